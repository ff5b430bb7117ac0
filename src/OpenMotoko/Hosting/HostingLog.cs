namespace OpenMotoko.Hosting;

internal static partial class HostingLog
{
    [LoggerMessage(1, LogLevel.Error, "Unhandled exception on {Method} {Path}")]
    public static partial void UnhandledException(ILogger logger, string method, PathString path, Exception exception);

    [LoggerMessage(2, LogLevel.Information, "OpenMotoko {Version} listening on {Url}")]
    public static partial void Listening(ILogger logger, string version, string url);

    [LoggerMessage(3, LogLevel.Warning, "No password is set: serving on loopback only. Set OPENMOTOKO_PASSWORD or run 'openmotoko passwd' to log in and to bind other addresses.")]
    public static partial void NoPassword(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Stopping: checkpointing the database")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(5, LogLevel.Information, "Database {Path}: applied {Count} migration(s), schema version {Version}")]
    public static partial void Migrated(ILogger logger, string path, int count, int version);

    [LoggerMessage(6, LogLevel.Warning, "{Problem}")]
    public static partial void IgnoredEnvironment(ILogger logger, string problem);

    [LoggerMessage(7, LogLevel.Warning, "{Client}: attempt answered {Outcome}; retry {Retry} in {DelaySeconds:0.#} s")]
    public static partial void Retrying(ILogger logger, string client, string outcome, int retry, double delaySeconds);

    [LoggerMessage(8, LogLevel.Warning, "{Client}: too many failures (the last: {Outcome}); no calls for {BreakSeconds:0} s")]
    public static partial void CircuitOpened(ILogger logger, string client, string outcome, double breakSeconds);
}
