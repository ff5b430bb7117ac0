using Microsoft.Win32.SafeHandles;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Skills.Files;

/// <summary>A path the tools may use: its real location and how it reads relative to the workspace.</summary>
internal sealed record WorkspacePath(string FullPath, string RelativePath);

/// <summary>
/// Resolves every path a tool is given inside the workspace: relative paths against it, absolute
/// paths only when inside it. `..`, symbolic links that lead out (the real path of the target, or of
/// its nearest existing parent for new files) and the daemon's own data dir and database are refused.
/// </summary>
internal sealed class WorkspacePaths(Func<string> root, string? dataDir = null, string? databasePath = null)
{
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    public WorkspacePaths(string root, string? dataDir = null, string? databasePath = null)
        : this(() => root, dataDir, databasePath)
    {
    }

    /// <summary>The workspace from <c>agent.workspace</c> (relative to the data dir), else <c>&lt;data dir&gt;/workspace</c>; read per call so a change applies at once.</summary>
    public static WorkspacePaths FromSettings(SettingsStore settings, DaemonOptions options) =>
        new(() => Path.GetFullPath(Usable(settings.GetString(SettingsCatalog.Workspace) ?? "workspace"), options.DataDir),
            options.DataDir, options.DatabasePath);

    /// <summary>The daemon's data dir, kept out of reach of the tools (the shell sandbox hides it too).</summary>
    public string? DataDir => dataDir;

    /// <summary>The daemon's database file.</summary>
    public string? DatabasePath => databasePath;

    /// <summary>The workspace's real path, created on first use.</summary>
    public string Root
    {
        get
        {
            var configured = Path.GetFullPath(Usable(root()));
            Directory.CreateDirectory(configured);
            return NativePath.Real(configured) ?? configured;
        }
    }

    /// <summary>Resolves <paramref name="path"/>; null with a message for the model when it is refused.</summary>
    public WorkspacePath? Resolve(string path, out string error)
    {
        error = "";
        if (string.IsNullOrWhiteSpace(path))
        {
            error = "path is empty";
            return null;
        }
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            error = "path contains a NUL character";
            return null;
        }
        string workspace;
        try
        {
            workspace = Root;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The reason would name host folders around the workspace; the owner finds it in the setting.
            error = "the workspace folder cannot be created or opened; check the agent.workspace setting";
            return null;
        }
        var configured = Path.GetFullPath(root());
        var candidate = Path.GetFullPath(path, workspace);
        if (!IsInside(candidate, workspace) && !IsInside(candidate, configured))
        {
            error = $"'{path}' is outside the workspace; use a path inside it";
            return null;
        }
        if (IsInside(candidate, configured) && !IsInside(candidate, workspace))
        {
            candidate = Path.Join(workspace, Path.GetRelativePath(configured, candidate));
        }
        var real = RealOfNearest(candidate, path, out error);
        if (real is null)
        {
            return null;
        }
        if (!IsInside(real, workspace))
        {
            error = LinkRefused(path);
            return null;
        }
        if (ProtectedReason(real, workspace) is { } reason)
        {
            error = $"'{path}' {reason}; refused";
            return null;
        }
        return new WorkspacePath(real, Path.GetRelativePath(workspace, real));
    }

    /// <summary>Checks after opening that the handle really is inside the workspace (guards a swap between check and open).</summary>
    public bool IsOpenedInside(SafeFileHandle handle)
    {
        if (NativePath.OpenedPath(handle) is not { } opened)
        {
            return true;
        }
        var workspace = Root;
        return IsInside(opened, workspace) && ProtectedReason(opened, workspace) is null;
    }

    public static bool IsInside(string path, string directory)
    {
        var dir = directory.Length > 1 ? directory.TrimEnd(Path.DirectorySeparatorChar) : directory;
        return string.Equals(path, dir, PathComparison)
               || path.StartsWith(dir.EndsWith(Path.DirectorySeparatorChar) ? dir : dir + Path.DirectorySeparatorChar, PathComparison);
    }

    private string? ProtectedReason(string real, string workspace)
    {
        if (dataDir is not null && RealOrSelf(dataDir) is var data)
        {
            // The default workspace lives inside the data dir; only a workspace around or equal to it overlaps.
            var workspaceWithinData = IsInside(workspace, data) && !string.Equals(workspace, data, PathComparison);
            if (!workspaceWithinData && IsInside(real, data))
            {
                return "is inside the daemon's data directory";
            }
        }
        if (databasePath is not null)
        {
            var database = RealOrSelf(databasePath);
            foreach (var suffix in (string[])["", "-wal", "-shm", "-journal"])
            {
                if (string.Equals(real, database + suffix, PathComparison))
                {
                    return "is the daemon's database";
                }
            }
        }
        return null;
    }

    /// <summary>
    /// One answer for a link that leads out and one that leads nowhere, so the tools cannot be used to
    /// learn whether a path outside the workspace exists (or where it is).
    /// </summary>
    private static string LinkRefused(string path) =>
        $"'{path}' goes through a symbolic link that leads outside the workspace or to nothing; refused";

    /// <summary>A configured workspace with a control character (stored before the setting was checked) is refused, not used.</summary>
    private static string Usable(string configured) =>
        configured.Any(char.IsControl) ? throw new IOException("agent.workspace contains a control character") : configured;

    private static string RealOrSelf(string path) =>
        NativePath.Real(Path.GetFullPath(path)) ?? Path.GetFullPath(path);

    private static string? RealOfNearest(string candidate, string original, out string error)
    {
        error = "";
        var rest = new Stack<string>();
        var existing = candidate;
        while (true)
        {
            if (NativePath.Real(existing) is { } real)
            {
                return rest.Count == 0 ? real : Path.Join([real, .. rest]);
            }
            if (IsSymbolicLink(existing))
            {
                error = LinkRefused(original);
                return null;
            }
            if (Path.GetDirectoryName(existing) is not { } parent)
            {
                error = $"'{original}' cannot be resolved";
                return null;
            }
            rest.Push(Path.GetFileName(existing));
            existing = parent;
        }
    }

    private static bool IsSymbolicLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
