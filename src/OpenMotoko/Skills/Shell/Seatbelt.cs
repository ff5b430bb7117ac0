using System.Text;
using OpenMotoko.Skills.Files;

namespace OpenMotoko.Skills.Shell;

/// <summary>
/// macOS's sandbox (sandbox-exec with a generated profile): writes only in the workspace and the temp
/// folders, the data dir and database neither readable nor writable, no look into or signals to
/// processes outside the sandbox (the daemon among them), the network only if allowed. Paths go in as
/// parameters (-D), never spliced into the profile, so no path can change its meaning.
/// </summary>
internal static class Seatbelt
{
    public const string ProbeProfile = "(version 1)(allow default)";

    public static ShellSandbox Probe(string searchPath)
    {
        if (Executables.Find("sandbox-exec", searchPath) is not { } sandboxExec)
        {
            return ShellSandbox.Disabled("sandbox-exec (macOS's sandbox) was not found");
        }
        var (exitCode, output) = ShellSandbox.RunProbe(sandboxExec, ["-p", ProbeProfile, "/usr/bin/true"]);
        return exitCode == 0
            ? ShellSandbox.ActiveSeatbelt(sandboxExec, $"active: sandbox-exec ({sandboxExec}): writes only in the workspace, the data dir hidden, no access to other processes")
            : ShellSandbox.Disabled($"sandbox-exec cannot create a sandbox here: {output.Trim()}");
    }

    public static List<string> Arguments(string sandboxExec, IReadOnlyList<string> argv, string workspace, bool network, string? dataDir, string? databasePath)
    {
        var data = dataDir is not null && Directory.Exists(dataDir) ? NativePath.Real(dataDir) : null;
        var database = databasePath is not null && (data is null || !WorkspacePaths.IsInside(Path.GetFullPath(databasePath), data))
            ? NativePath.Real(Path.GetDirectoryName(Path.GetFullPath(databasePath))!) is { } folder ? Path.Join(folder, Path.GetFileName(databasePath)) : null
            : null;
        List<string> args = [sandboxExec, "-p", Profile(data is not null, data is not null && WorkspacePaths.IsInside(workspace, data), database is not null, network),
            "-D", $"WORKSPACE={workspace}"];
        if (data is not null)
        {
            args.AddRange(["-D", $"DATA_DIR={data}"]);
        }
        if (database is not null)
        {
            args.AddRange(["-D", $"DATABASE={database}"]);
        }
        args.AddRange(argv);
        return args;
    }

    /// <summary>The profile; later rules win over earlier ones, so each exception follows the rule it narrows.</summary>
    public static string Profile(bool hideDataDir, bool workspaceInsideDataDir, bool hideDatabase, bool network)
    {
        var profile = new StringBuilder("""
            (version 1)
            (allow default)
            (deny file-write*)
            (allow file-write*
              (subpath (param "WORKSPACE"))
              (subpath "/private/tmp")
              (subpath "/private/var/folders")
              (literal "/dev/null")
              (literal "/dev/zero")
              (literal "/dev/dtracehelper")
              (regex #"^/dev/tty")
              (regex #"^/dev/fd/"))

            """);
        if (hideDataDir)
        {
            profile.Append("(deny file-read* file-write* (subpath (param \"DATA_DIR\")))\n");
            if (workspaceInsideDataDir)
            {
                profile.Append("(allow file-read* file-write* (subpath (param \"WORKSPACE\")))\n");
            }
        }
        if (hideDatabase)
        {
            profile.Append("""
                (deny file-read* file-write*
                  (literal (param "DATABASE"))
                  (literal (string-append (param "DATABASE") "-wal"))
                  (literal (string-append (param "DATABASE") "-shm")))

                """);
        }
        // The daemon's memory, environment and signals are out of reach; the command's own processes are not.
        profile.Append("""
            (deny process-info* signal mach-priv-task-port)
            (allow process-info* signal mach-priv-task-port (target same-sandbox))

            """);
        if (!network)
        {
            profile.Append("(deny network*)\n");
        }
        return profile.ToString();
    }
}
