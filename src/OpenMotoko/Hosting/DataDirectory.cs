namespace OpenMotoko.Hosting;

/// <summary>Where the daemon keeps its database and files when no flag or env var says otherwise.</summary>
internal static class DataDirectory
{
    public static string Default(EnvironmentSnapshot environment)
    {
        var home = environment.Get("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS())
        {
            return Path.Combine(home, "Library", "Application Support", "OpenMotoko");
        }
        var xdg = environment.Get("XDG_DATA_HOME");
        return Path.Combine(xdg ?? Path.Combine(home, ".local", "share"), "openmotoko");
    }

    /// <summary>Flag, then OPENMOTOKO_DATA_DIR, then the platform default.</summary>
    public static string Resolve(string? flag, EnvironmentSnapshot environment) =>
        Path.GetFullPath(flag ?? environment.Get("OPENMOTOKO_DATA_DIR") ?? Default(environment));
}
