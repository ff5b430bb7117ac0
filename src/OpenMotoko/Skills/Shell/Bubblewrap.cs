using System.Globalization;
using OpenMotoko.Skills.Files;

namespace OpenMotoko.Skills.Shell;

/// <summary>
/// How bubblewrap runs here: the isolation flags this bwrap and kernel accept (probed strongest first),
/// prlimit for the process cap, and whether the daemon is root (whose own files must then be hidden too).
/// </summary>
internal sealed record BwrapSetup(string Path, string Version, string[] Isolation, string? Prlimit, int MaxProcesses, bool AsRoot)
{
    public bool DropsToSandboxUid => Isolation.Contains("--uid", StringComparer.Ordinal);
    public bool BlocksNestedUserNamespaces => Isolation.Contains("--disable-userns", StringComparer.Ordinal);
}

/// <summary>Builds and probes the bubblewrap command line: a read-only root, only the workspace writable, the data dir hidden.</summary>
internal static class Bubblewrap
{
    private static readonly string Uid = ShellSandbox.SandboxUid.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Strongest first. No capabilities, so nothing can unmount what hides the data dir or remount / writable;
    /// an unprivileged uid in a user namespace (RLIMIT_NPROC then counts the command alone); no nested user
    /// namespaces (bubblewrap 0.8+). Older or restricted systems get the next line, the status says so.
    /// </summary>
    private static readonly string[][] Isolations =
    [
        ["--unshare-user", "--uid", Uid, "--gid", Uid, "--disable-userns", "--cap-drop", "ALL"],
        ["--unshare-user", "--uid", Uid, "--gid", Uid, "--cap-drop", "ALL"],
        ["--cap-drop", "ALL"],
    ];

    /// <summary>Files only root may read, hidden as well when the daemon runs as root: inside, root's files are the command's own.</summary>
    private static readonly string[] RootOnlyFiles = ["/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-"];

    public static ShellSandbox Probe(string searchPath, bool asRoot)
    {
        if (Executables.Find("bwrap", searchPath) is not { } bwrap)
        {
            return ShellSandbox.Disabled("bwrap (bubblewrap) is not installed: apt-get install bubblewrap");
        }
        var failure = "";
        foreach (var isolation in Isolations)
        {
            var (exitCode, output) = ShellSandbox.RunProbe(bwrap,
                ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all", .. isolation, "--die-with-parent", "--new-session", "true"]);
            if (exitCode == 0)
            {
                var version = ShellSandbox.RunProbe(bwrap, ["--version"]).Output.Trim();
                var setup = new BwrapSetup(bwrap, version.Length > 0 ? version : "bubblewrap", isolation,
                    Executables.Find("prlimit", searchPath), ShellSandbox.DefaultMaxProcesses, asRoot);
                return ShellSandbox.Active(setup);
            }
            failure = failure.Length > 0 ? failure : output.Trim();
        }
        return ShellSandbox.Disabled($"bwrap is installed but cannot create a sandbox here: {failure}");
    }

    /// <summary>One line on what holds, for the status `openmotoko doctor` shows.</summary>
    public static string Describe(BwrapSetup setup)
    {
        var parts = new List<string>
        {
            setup.DropsToSandboxUid ? $"commands run as uid {Uid} without capabilities" : "commands run without capabilities (no user namespace here)",
            setup.BlocksNestedUserNamespaces ? "no nested user namespaces" : "nested user namespaces not blocked (needs bubblewrap 0.8)",
        };
        parts.Add(setup switch
        {
            { Prlimit: null } => "no process cap (prlimit not found)",
            { AsRoot: true } => "no process cap while the daemon runs as root (RLIMIT_NPROC does not bind root)",
            { DropsToSandboxUid: false } => "no process cap without a user namespace",
            _ => $"at most {setup.MaxProcesses} processes per command",
        });
        return $"active: {setup.Version} ({setup.Path}): {string.Join(", ", parts)}";
    }

    public static List<string> Arguments(BwrapSetup setup, IReadOnlyList<string> argv, string workspace, string cwd, bool network,
        string? dataDir, string? databasePath)
    {
        // --die-with-parent follows the parent *thread*: .NET may start the child from a pool thread that
        // exits later, which would kill bwrap mid-run and orphan the sandbox. A waiting shell is the parent instead.
        List<string> args = ["/bin/sh", "-c", "\"$@\"; exit $?", "sh", setup.Path, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"];
        var hidden = new List<string>();
        if (dataDir is not null && Directory.Exists(dataDir) && NativePath.Real(dataDir) is { } data)
        {
            hidden.Add(data);
        }
        if (setup.AsRoot && Directory.Exists("/root"))
        {
            hidden.Add("/root");
        }
        // Folders around the workspace are emptied before it is bound back in; the others after, so no bind undoes them.
        foreach (var folder in hidden.Where(h => WorkspacePaths.IsInside(workspace, h)).OrderBy(h => h.Length))
        {
            args.AddRange(["--tmpfs", folder]);
        }
        args.AddRange(["--bind", workspace, workspace]);
        foreach (var folder in hidden.Where(h => !WorkspacePaths.IsInside(workspace, h)))
        {
            args.AddRange(["--tmpfs", folder]);
        }
        var files = databasePath is null ? new List<string>() : [databasePath, databasePath + "-wal", databasePath + "-shm"];
        if (setup.AsRoot)
        {
            files.AddRange(RootOnlyFiles);
            files.AddRange(SshHostKeys());
        }
        foreach (var file in files.Where(f => File.Exists(f) && !hidden.Any(h => WorkspacePaths.IsInside(Path.GetFullPath(f), h))))
        {
            args.AddRange(["--ro-bind", "/dev/null", file]);
        }
        args.AddRange(["--chdir", cwd, "--unshare-all", .. setup.Isolation]);
        if (network)
        {
            args.Add("--share-net");
        }
        args.AddRange(["--die-with-parent", "--new-session", "--"]);
        if (setup.Prlimit is not null && setup.DropsToSandboxUid)
        {
            // Set inside the sandbox: in the command's own user namespace the count starts at zero.
            args.AddRange([setup.Prlimit, $"--nproc={setup.MaxProcesses.ToString(CultureInfo.InvariantCulture)}", "--"]);
        }
        args.AddRange(argv);
        return args;
    }

    private static IEnumerable<string> SshHostKeys() =>
        Directory.Exists("/etc/ssh") ? Directory.EnumerateFiles("/etc/ssh", "ssh_host_*_key") : [];
}
