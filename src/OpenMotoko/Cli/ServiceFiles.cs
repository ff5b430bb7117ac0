using System.Reflection;
using System.Security;
using System.Text;

namespace OpenMotoko.Cli;

internal enum ServicePlatform { Systemd, Launchd }

/// <summary>Where a service file goes and what it says, rendered from the templates in packaging/.</summary>
internal sealed record ServiceFile(ServicePlatform Platform, bool SystemWide, string Path, string Content)
{
    public const string Label = "com.openmotoko.daemon";
    public const string UnitName = "openmotoko.service";
    public const string EnvFileName = "openmotoko.env";

    /// <summary>The unit's MemoryMax= unless --memory-max says otherwise: room for the daemon (tens of MB) and the shell skill's commands.</summary>
    public const string DefaultMemoryMax = "1G";

    public static ServiceFile Render(ServicePlatform platform, bool systemWide, string executable, string dataDir, string home, string? runAs, string memoryMax) =>
        platform == ServicePlatform.Systemd
            ? Systemd(systemWide, executable, dataDir, home, runAs, memoryMax)
            : Launchd(systemWide, executable, dataDir, home);

    private static ServiceFile Systemd(bool systemWide, string executable, string dataDir, string home, string? runAs, string memoryMax)
    {
        // Under /home or /root the data dir (or the binary) must stay visible: read-only, with the data dir writable.
        var underHome = IsUnderHome(dataDir) || IsUnderHome(executable);
        var content = Template("packaging/openmotoko.service")
            .Replace("{{execStart}}", $"{Quote(executable)} serve --data-dir {Quote(dataDir)}", StringComparison.Ordinal)
            .Replace("{{dataDirEnv}}", Quote($"OPENMOTOKO_DATA_DIR={dataDir}"), StringComparison.Ordinal)
            .Replace("{{envFile}}", Escape(System.IO.Path.Combine(dataDir, EnvFileName)), StringComparison.Ordinal)
            // No Group=: the user's own primary group (nobody's is nogroup on Debian, not nobody).
            .Replace("{{runAs}}", runAs is null ? "" : $"User={runAs}\n", StringComparison.Ordinal)
            .Replace("{{protectHome}}", underHome ? "read-only" : "true", StringComparison.Ordinal)
            .Replace("{{readWritePaths}}", Quote(dataDir), StringComparison.Ordinal)
            .Replace("{{memoryMax}}", memoryMax, StringComparison.Ordinal)
            .Replace("{{wantedBy}}", systemWide ? "multi-user.target" : "default.target", StringComparison.Ordinal);
        var directory = systemWide ? "/etc/systemd/system" : System.IO.Path.Combine(home, ".config", "systemd", "user");
        return new ServiceFile(ServicePlatform.Systemd, systemWide, System.IO.Path.Combine(directory, UnitName), content);
    }

    private static ServiceFile Launchd(bool systemWide, string executable, string dataDir, string home)
    {
        var content = Template("packaging/com.openmotoko.daemon.plist")
            .Replace("{{label}}", Label, StringComparison.Ordinal)
            .Replace("{{exec}}", SecurityElement.Escape(executable), StringComparison.Ordinal)
            .Replace("{{dataDir}}", SecurityElement.Escape(dataDir), StringComparison.Ordinal)
            .Replace("{{logFile}}", SecurityElement.Escape(System.IO.Path.Combine(dataDir, "openmotoko.log")), StringComparison.Ordinal);
        var directory = systemWide ? "/Library/LaunchDaemons" : System.IO.Path.Combine(home, "Library", "LaunchAgents");
        return new ServiceFile(ServicePlatform.Launchd, systemWide, System.IO.Path.Combine(directory, Label + ".plist"), content);
    }

    private static bool IsUnderHome(string path) =>
        path.StartsWith("/home/", StringComparison.Ordinal) || path.StartsWith("/root/", StringComparison.Ordinal) ||
        path.StartsWith("/run/user/", StringComparison.Ordinal);

    /// <summary>systemd's quoting: double quotes, backslash escapes, and % and $ doubled so they are not expanded.</summary>
    private static string Quote(string value) => $"\"{Escape(value).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    private static string Escape(string value) =>
        value.Replace("%", "%%", StringComparison.Ordinal).Replace("$", "$$", StringComparison.Ordinal);

    private static string Template(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The binary lacks its embedded {name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
