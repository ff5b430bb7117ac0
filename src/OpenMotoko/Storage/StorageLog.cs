namespace OpenMotoko.Storage;

internal static partial class StorageLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "A deferred {Record} record could not be stored and was dropped")]
    public static partial void DeferredDropped(ILogger logger, string record, Exception exception);
}
