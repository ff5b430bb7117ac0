using System.Diagnostics;
using OpenMotoko.Skills.Files;

namespace OpenMotoko.Skills.Shell;

/// <summary>
/// Bubblewrap around every command when `bwrap` is installed and works here: a read-only root,
/// only the workspace writable, the data dir hidden, fresh namespaces, the network only if allowed.
/// </summary>
internal sealed class ShellSandbox
{
    private static readonly Lazy<ShellSandbox> Detected = new(Probe);

    private ShellSandbox(string? bwrap, string status)
    {
        Bwrap = bwrap;
        Status = status;
    }

    public bool IsActive => Bwrap is not null;

    /// <summary>"active: bubblewrap 0.8.0 (/usr/bin/bwrap)" or "inactive: why".</summary>
    public string Status { get; }

    private string? Bwrap { get; }

    /// <summary>The sandbox commands run in on this machine, probed once. For `openmotoko doctor`.</summary>
    public static ShellSandbox Detect() => Detected.Value;

    /// <summary>One line for `openmotoko doctor`: "active: bubblewrap 0.8.0 (/usr/bin/bwrap)" or "inactive: why".</summary>
    public static string Describe() => Detect().Status;

    public static ShellSandbox Disabled(string why) => new(null, $"inactive: {why}");

    /// <summary>Wraps argv so it runs inside bubblewrap (or returns it unchanged when inactive).</summary>
    public IReadOnlyList<string> Wrap(IReadOnlyList<string> argv, string workspace, string cwd, bool network, string? dataDir, string? databasePath)
    {
        if (Bwrap is null)
        {
            return argv;
        }
        // --die-with-parent follows the parent *thread*: .NET may start the child from a pool thread that
        // exits later, which would kill bwrap mid-run and orphan the sandbox. A waiting shell is the parent instead.
        List<string> args = ["/bin/sh", "-c", "\"$@\"; exit $?", "sh", Bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"];
        var data = dataDir is not null && Directory.Exists(dataDir) ? NativePath.Real(dataDir) : null;
        var workspaceInsideData = data is not null && WorkspacePaths.IsInside(workspace, data);
        if (workspaceInsideData)
        {
            args.AddRange(["--tmpfs", data!]);
        }
        args.AddRange(["--bind", workspace, workspace]);
        if (data is not null && !workspaceInsideData)
        {
            args.AddRange(["--tmpfs", data]);
        }
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            var file = databasePath + suffix;
            if (databasePath is not null && File.Exists(file) && (data is null || !WorkspacePaths.IsInside(Path.GetFullPath(file), data)))
            {
                args.AddRange(["--ro-bind", "/dev/null", file]);
            }
        }
        args.AddRange(["--chdir", cwd, "--unshare-all"]);
        if (network)
        {
            args.Add("--share-net");
        }
        args.AddRange(["--die-with-parent", "--new-session", "--"]);
        args.AddRange(argv);
        return args;
    }

    private static ShellSandbox Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return Disabled("bubblewrap is only used on Linux");
        }
        if (Executables.Find("bwrap", Executables.SearchPath) is not { } bwrap)
        {
            return Disabled("bwrap (bubblewrap) is not installed; install it to sandbox shell commands");
        }
        var (exitCode, output) = Run(bwrap, ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all", "--die-with-parent", "--new-session", "true"]);
        if (exitCode != 0)
        {
            return Disabled($"bwrap is installed but cannot create a sandbox here: {output.Trim()}");
        }
        var version = Run(bwrap, ["--version"]).Output.Trim();
        return new ShellSandbox(bwrap, $"active: {(version.Length > 0 ? version : "bubblewrap")} ({bwrap})");
    }

    private static (int ExitCode, string Output) Run(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(10_000))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "the probe did not finish within 10 s");
            }
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
