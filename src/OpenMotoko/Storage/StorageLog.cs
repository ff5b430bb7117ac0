namespace OpenMotoko.Storage;

internal static partial class StorageLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "A deferred {Record} record could not be stored and was dropped")]
    public static partial void DeferredDropped(ILogger logger, string record, Exception exception);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Critical,
        Message = "Flushing {Path} to the disk failed: the latest writes are in the operating system's cache and may not survive a power cut")]
    public static partial void FlushFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 5003, EventName = "DataVersionWatchFailed", Level = LogLevel.Warning,
        Message = "Checking the database for changes made by another process failed; trying again shortly")]
    public static partial void WatchFailed(ILogger logger, Exception exception);
}
