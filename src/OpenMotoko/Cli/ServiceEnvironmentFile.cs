using System.Text;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Cli;

/// <summary>
/// The service's EnvironmentFile (systemd), mode 0600 in the data dir: the secrets and settings set where
/// `service install` ran are carried into it the first time; later installs keep it as the owner edited it.
/// </summary>
internal static class ServiceEnvironmentFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Our own variables and every setting's variable, in the catalog's order.</summary>
    private static IEnumerable<string> Carried =>
        SettingsCatalog.All.Where(d => d.EnvVar is not null).Select(d => d.EnvVar!).Prepend("OPENMOTOKO_PASSWORD").Distinct(StringComparer.Ordinal);

    /// <summary>The names (never the values) install would write, for the dry run and the report.</summary>
    public static IReadOnlyList<string> Names(EnvironmentSnapshot environment) =>
        Carried.Where(name => environment.Get(name) is { } value && !value.Contains('\n', StringComparison.Ordinal)).ToList();

    public static string Content(EnvironmentSnapshot environment)
    {
        var text = new StringBuilder()
            .Append("# OpenMotoko service environment, read by systemd at start. Keep it mode 0600.\n")
            .Append("# One NAME=\"value\" per line, e.g. OPENMOTOKO_PASSWORD, ANTHROPIC_API_KEY, OPENAI_API_KEY, TAILSCALE_CLI.\n")
            .Append("# After editing: systemctl restart openmotoko (add --user for a per-user service).\n");
        foreach (var name in Names(environment))
        {
            var value = environment.Get(name)!.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
            text.Append(name).Append("=\"").Append(value).Append("\"\n");
        }
        return text.ToString();
    }

    /// <summary>Writes the file unless it exists (an update keeps the owner's edits); either way leaves it owner-only. True when written.</summary>
    public static bool Write(string path, EnvironmentSnapshot environment)
    {
        if (File.Exists(path))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, OwnerOnly);
            }
            return false;
        }
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(Content(environment)));
        return true;
    }
}
