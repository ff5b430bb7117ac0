using System.Diagnostics;
using OpenMotoko.Hosting;
using OpenMotoko.Skills.Shell;

namespace OpenMotoko.Cli;

/// <summary>
/// Runs the service manager's commands (systemctl, journalctl, launchctl, useradd) without a shell,
/// found on the command's own PATH (so tests can put recording fakes first).
/// </summary>
internal static class SystemCommands
{
    /// <summary>Runs each command in turn, echoing it, and stops at the first failure.</summary>
    public static int RunAll(IEnumerable<string[]> commands, EnvironmentSnapshot environment, TextWriter output, TextWriter error)
    {
        foreach (var command in commands)
        {
            output.WriteLine($"$ {string.Join(' ', command)}");
            var (exit, text) = Capture(command, environment);
            output.Write(text);
            if (exit != 0)
            {
                error.WriteLine(exit < 0 ? $"openmotoko: cannot run {command[0]}: it is not installed or not on PATH." : $"openmotoko: '{command[0]}' exited with {exit}.");
                return ExitCodes.Failure;
            }
        }
        return ExitCodes.Ok;
    }

    /// <summary>Runs a command and answers its exit code (-1 when it cannot be started) and what it printed, both streams.</summary>
    public static (int ExitCode, string Output) Capture(string[] command, EnvironmentSnapshot environment, TimeSpan? timeout = null)
    {
        if (Start(command, environment) is not { } process)
        {
            return (-1, "");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "");
            }
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }

    /// <summary>Copies a long-running command's output (journalctl -f) line by line until it ends or the user stops it.</summary>
    public static async Task<int> StreamAsync(string[] command, EnvironmentSnapshot environment, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (Start(command, environment) is not { } process)
        {
            error.WriteLine($"openmotoko: cannot run {command[0]}: it is not installed or not on PATH.");
            return ExitCodes.Failure;
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
                {
                    output.WriteLine(line);
                }
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return ExitCodes.Ok; // Ctrl+C ends a follow
            }
            error.Write(await stderr);
            return process.ExitCode == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }
    }

    /// <summary>The program's full path on the environment's PATH (the process's when the environment has none), or null.</summary>
    public static string? Find(string name, EnvironmentSnapshot environment) =>
        Path.IsPathRooted(name) ? (File.Exists(name) ? name : null) : Executables.Find(name, environment.Get("PATH") ?? Executables.SearchPath);

    private static Process? Start(string[] command, EnvironmentSnapshot environment)
    {
        if (Find(command[0], environment) is not { } program)
        {
            return null;
        }
        var start = new ProcessStartInfo(program, command[1..])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        try
        {
            var process = Process.Start(start)!;
            process.StandardInput.Close();
            return process;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}

internal static partial class Posix
{
    public static bool IsRoot => UserId == 0;

    public static uint UserId => OperatingSystem.IsWindows() ? uint.MaxValue : geteuid();

    [System.Runtime.InteropServices.LibraryImport("libc")]
    private static partial uint geteuid();
}
