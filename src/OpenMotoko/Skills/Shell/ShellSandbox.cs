using System.Diagnostics;

namespace OpenMotoko.Skills.Shell;

/// <summary>What confines a command: bubblewrap on Linux, sandbox-exec on macOS, or nothing.</summary>
internal enum SandboxKind { None, Bubblewrap, Seatbelt }

/// <summary>
/// The sandbox every command runs in, probed once: bubblewrap where `bwrap` works (Linux), sandbox-exec
/// (macOS). Without one the shell refuses to run commands unless the owner allows it unconfined.
/// </summary>
internal sealed class ShellSandbox
{
    /// <summary>The uid commands have inside bubblewrap's user namespace: nobody's, not the daemon's.</summary>
    public const int SandboxUid = 65534;

    /// <summary>Processes (threads count too) one command may have at once inside bubblewrap.</summary>
    public const int DefaultMaxProcesses = 512;

    private static readonly Lazy<ShellSandbox> Detected = new(() =>
        Probe(Executables.SearchPath, OperatingSystem.IsLinux(), OperatingSystem.IsMacOS()));

    private readonly BwrapSetup? _bwrap;
    private readonly string? _sandboxExec;

    private ShellSandbox(SandboxKind kind, string status, BwrapSetup? bwrap = null, string? sandboxExec = null)
    {
        Kind = kind;
        Status = status;
        _bwrap = bwrap;
        _sandboxExec = sandboxExec;
    }

    public SandboxKind Kind { get; }

    public bool IsActive => Kind != SandboxKind.None;

    /// <summary>"active: bubblewrap 0.8.0 (/usr/bin/bwrap): ..." or "inactive: why".</summary>
    public string Status { get; }

    /// <summary>The sandbox commands run in on this machine, probed once (on the first command, not at start-up).</summary>
    public static ShellSandbox Detect() => Detected.Value;

    /// <summary>One line for `openmotoko doctor`.</summary>
    public static string Describe() => Detect().Status;

    public static ShellSandbox Disabled(string why) => new(SandboxKind.None, $"inactive: {why}");

    public static ShellSandbox Active(BwrapSetup setup) => new(SandboxKind.Bubblewrap, Bubblewrap.Describe(setup), bwrap: setup);

    public static ShellSandbox ActiveSeatbelt(string sandboxExec, string status) => new(SandboxKind.Seatbelt, status, sandboxExec: sandboxExec);

    /// <summary>Picks the sandbox for this OS from the programs on <paramref name="searchPath"/> that work.</summary>
    public static ShellSandbox Probe(string searchPath, bool linux, bool macOS) => (linux, macOS) switch
    {
        (true, _) => Bubblewrap.Probe(searchPath, asRoot: Cli.Posix.IsRoot),
        (_, true) => Seatbelt.Probe(searchPath),
        _ => Disabled("no sandbox on this operating system (bubblewrap on Linux, sandbox-exec on macOS)"),
    };

    /// <summary>The same sandbox with another process cap (tests use a small one).</summary>
    public ShellSandbox WithMaxProcesses(int maxProcesses) =>
        _bwrap is null ? this : Active(_bwrap with { MaxProcesses = maxProcesses });

    /// <summary>Wraps argv so it runs inside the sandbox (or returns it unchanged when there is none).</summary>
    public IReadOnlyList<string> Wrap(IReadOnlyList<string> argv, string workspace, string cwd, bool network, string? dataDir, string? databasePath) => Kind switch
    {
        SandboxKind.Bubblewrap => Bubblewrap.Arguments(_bwrap!, argv, workspace, cwd, network, dataDir, databasePath),
        SandboxKind.Seatbelt => Seatbelt.Arguments(_sandboxExec!, argv, workspace, network, dataDir, databasePath),
        _ => argv,
    };

    /// <summary>Runs a probe to its end (at most 10 s): its exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) RunProbe(string program, string[] args)
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
