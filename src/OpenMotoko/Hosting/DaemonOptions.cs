namespace OpenMotoko.Hosting;

/// <summary>
/// What `serve` (or a test) asks of the daemon. Host and port here are the command-line flags:
/// when null, the settings store answers (env var, then stored setting, then default).
/// </summary>
internal sealed record DaemonOptions
{
    public required string DataDir { get; init; }
    public string? Host { get; init; }
    public int? Port { get; init; }
    public EnvironmentSnapshot Environment { get; init; } = EnvironmentSnapshot.Empty;
    public long MaxRequestBodyBytes { get; init; } = 1024 * 1024;
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>Hand the collector's spare memory back when quiet (<see cref="IdleMemoryTrim"/>): only when the daemon owns its process.</summary>
    public bool TrimMemoryWhenIdle { get; init; }

    /// <summary>OPENMOTOKO_DB_PATH, else openmotoko.db in the data dir.</summary>
    public string DatabasePath => Path.GetFullPath(Environment.Get("OPENMOTOKO_DB_PATH") ?? Path.Combine(DataDir, "openmotoko.db"));

    /// <summary>
    /// Origins allowed to call the API from a browser (OPENMOTOKO_CORS_ORIGINS, comma-separated), as
    /// scheme://host[:port]. None by default. Anything else (<c>*</c> included) stops the start.
    /// </summary>
    public string[] CorsOrigins => [.. List("OPENMOTOKO_CORS_ORIGINS").Select(RequestOrigins.ParseConfigured)];

    /// <summary>Host names, besides the bind address and loopback, that requests may name (OPENMOTOKO_ALLOWED_HOSTS).</summary>
    public string[] AllowedHosts => [.. List("OPENMOTOKO_ALLOWED_HOSTS").Select(HostCheck.ParseConfigured)];

    /// <summary>Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (OPENMOTOKO_TRUSTED_PROXIES).</summary>
    public System.Net.IPAddress[] TrustedProxies => [.. List("OPENMOTOKO_TRUSTED_PROXIES").Select(ParseProxy)];

    private string[] List(string name) =>
        Environment.Get(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static System.Net.IPAddress ParseProxy(string value) =>
        System.Net.IPAddress.TryParse(value, out var address) ? address
            : throw new StartupException($"OPENMOTOKO_TRUSTED_PROXIES: '{value}' is not an IP address. List the addresses your reverse proxy connects from, separated by commas (e.g. 127.0.0.1,::1).");

    /// <summary>Reads the flags' env-var fallbacks that are not settings (log level, body limit).</summary>
    public static DaemonOptions FromEnvironment(string dataDir, string? host, int? port, EnvironmentSnapshot environment)
    {
        var options = new DaemonOptions { DataDir = dataDir, Host = host, Port = port, Environment = environment };
        // The lists throw on a typo: read them now, so the start stops before anything is opened.
        _ = (options.CorsOrigins, options.AllowedHosts, options.TrustedProxies);
        if (environment.Get("OPENMOTOKO_LOG_LEVEL") is { } level)
        {
            options = options with
            {
                LogLevel = Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed) ? parsed
                    : throw new StartupException($"OPENMOTOKO_LOG_LEVEL={level} is not a level: use Debug, Information, Warning or Error."),
            };
        }
        if (environment.Get("OPENMOTOKO_MAX_BODY_BYTES") is { } bytes)
        {
            options = options with
            {
                MaxRequestBodyBytes = long.TryParse(bytes, out var parsed) && parsed >= 1024 ? parsed
                    : throw new StartupException($"OPENMOTOKO_MAX_BODY_BYTES={bytes} must be a whole number of bytes, at least 1024."),
            };
        }
        return options;
    }
}

/// <summary>A start-up problem the user fixes; its message says how. Printed without a stack trace.</summary>
internal sealed class StartupException(string message) : Exception(message);
