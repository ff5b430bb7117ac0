using OpenMotoko.Settings;

namespace OpenMotoko.Hosting;

/// <summary>Where the daemon may listen: the one rule `serve` enforces and `doctor` reports.</summary>
internal static class BindRule
{
    /// <summary>Why `serve` would refuse to listen on <paramref name="host"/>:<paramref name="port"/>, or null when it may.</summary>
    public static string? Refusal(string host, int port, bool hasPassword)
    {
        if (!SettingsCatalog.IsValidHost(host))
        {
            return $"Cannot listen on '{host}': give an IP address (127.0.0.1, 0.0.0.0, ::) or localhost with --host or OPENMOTOKO_HOST.";
        }
        if (port is < 0 or > 65535)
        {
            return $"Port {port} is out of range: give 0 (any free port) to 65535 with --port or OPENMOTOKO_PORT.";
        }
        if (!SettingsCatalog.IsLoopback(host) && !hasPassword)
        {
            return $"Refusing to listen on {host}: without a password anyone who can reach it could use your agent. " +
                   "Set OPENMOTOKO_PASSWORD or run 'openmotoko passwd' first, or listen on 127.0.0.1.";
        }
        return null;
    }
}
