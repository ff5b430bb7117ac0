namespace OpenMotoko.Registry;

internal static partial class RegistryLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Registry index from {Source} refreshed: {Count} entries")]
    public static partial void IndexRefreshed(ILogger logger, string source, int count);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Registry index entry {Id} skipped: {Problem}")]
    public static partial void EntrySkipped(ILogger logger, string id, string problem);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Registry {Source} unreachable, serving the cached index: {Reason}")]
    public static partial void ServingStale(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Skill {Id} {Version} installed from the registry (disabled until enabled)")]
    public static partial void Installed(ILogger logger, string id, string version);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Skill {Id} package refused: {Reason}")]
    public static partial void Refused(ILogger logger, string id, string reason);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Skill {Id} uninstalled")]
    public static partial void Uninstalled(ILogger logger, string id);
}
