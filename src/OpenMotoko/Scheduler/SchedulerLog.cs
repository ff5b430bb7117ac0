namespace OpenMotoko.Scheduler;

internal static partial class SchedulerLog
{
    [LoggerMessage(EventId = 6001, EventName = "SchedulerInterrupted", Level = LogLevel.Warning,
        Message = "{Count} scheduled run(s) were still running when the daemon stopped; marked failed (interrupted by restart)")]
    public static partial void Interrupted(ILogger logger, int count);

    [LoggerMessage(EventId = 6002, EventName = "SchedulerLoopFailed", Level = LogLevel.Error, Message = "The scheduler could not read its tasks; trying again in a minute")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6003, EventName = "SchedulerMissedTooLong", Level = LogLevel.Information,
        Message = "Task {TaskId} ({TaskName}) was missed longer ago than scheduler.catchUpHours; not caught up")]
    public static partial void MissedTooLong(ILogger logger, string taskId, string taskName);

    [LoggerMessage(EventId = 6004, EventName = "SchedulerHandlerFailed", Level = LogLevel.Warning, Message = "Task {TaskId}: the {Handler} handler failed")]
    public static partial void HandlerFailed(ILogger logger, string taskId, string handler, Exception exception);
}
