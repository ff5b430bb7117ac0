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

    /// <summary>OPENMOTOKO_DB_PATH, else openmotoko.db in the data dir.</summary>
    public string DatabasePath => Path.GetFullPath(Environment.Get("OPENMOTOKO_DB_PATH") ?? Path.Combine(DataDir, "openmotoko.db"));

    /// <summary>Origins allowed to call the API from a browser (OPENMOTOKO_CORS_ORIGINS, comma-separated). None by default.</summary>
    public string[] CorsOrigins =>
        Environment.Get("OPENMOTOKO_CORS_ORIGINS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>Reads the flags' env-var fallbacks that are not settings (log level, body limit).</summary>
    public static DaemonOptions FromEnvironment(string dataDir, string? host, int? port, EnvironmentSnapshot environment)
    {
        var options = new DaemonOptions { DataDir = dataDir, Host = host, Port = port, Environment = environment };
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
