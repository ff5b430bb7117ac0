namespace OpenMotoko.Skills.Shell;

/// <summary>Finds programs on the daemon's PATH (absolute entries only, never the workspace by accident).</summary>
internal static class Executables
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>The daemon's PATH, which commands also get.</summary>
    public static string SearchPath => Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } path ? path : DefaultPath;

    public static string? Find(string name, string searchPath)
    {
        foreach (var directory in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Path.IsPathRooted(directory))
            {
                continue;
            }
            var candidate = Path.Join(directory, name);
            if (File.Exists(candidate) && (OperatingSystem.IsWindows()
                || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
            {
                return candidate;
            }
        }
        return null;
    }
}
