using System.Diagnostics;

namespace OpenMotoko.Cli;

/// <summary>Runs the service manager's commands (systemctl, launchctl), echoing each, stopping at the first failure.</summary>
internal static class SystemCommands
{
    public static int RunAll(IEnumerable<string[]> commands, TextWriter output, TextWriter error)
    {
        foreach (var command in commands)
        {
            output.WriteLine($"$ {string.Join(' ', command)}");
            try
            {
                using var process = Process.Start(new ProcessStartInfo(command[0], command[1..]) { UseShellExecute = false })!;
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    error.WriteLine($"openmotoko: '{command[0]}' exited with {process.ExitCode}.");
                    return ExitCodes.Failure;
                }
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                error.WriteLine($"openmotoko: cannot run {command[0]}: {ex.Message}");
                return ExitCodes.Failure;
            }
        }
        return ExitCodes.Ok;
    }
}

internal static partial class Posix
{
    public static bool IsRoot => UserId == 0;

    public static uint UserId => OperatingSystem.IsWindows() ? uint.MaxValue : geteuid();

    [System.Runtime.InteropServices.LibraryImport("libc")]
    private static partial uint geteuid();
}
