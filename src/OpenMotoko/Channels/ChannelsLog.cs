namespace OpenMotoko.Channels;

internal static partial class ChannelsLog
{
    [LoggerMessage(EventId = 5001, EventName = "ChannelSenderRefused", Level = LogLevel.Information, Message = "Channel {ChannelId}: a message from a sender not allowed by dmPolicy {Policy} was refused")]
    public static partial void Refused(ILogger logger, string channelId, string policy);

    [LoggerMessage(EventId = 5002, EventName = "ChannelMessageFailed", Level = LogLevel.Error, Message = "Channel {ChannelId}: handling a chat message failed")]
    public static partial void HandlingFailed(ILogger logger, string channelId, Exception exception);

    [LoggerMessage(EventId = 5003, EventName = "ChannelStarted", Level = LogLevel.Information, Message = "Channel {ChannelId} connected as @{Bot}")]
    public static partial void Started(ILogger logger, string channelId, string bot);

    [LoggerMessage(EventId = 5004, EventName = "ChannelPollFailed", Level = LogLevel.Warning, Message = "Channel {ChannelId}: {Problem}; retrying in {Seconds} s")]
    public static partial void PollFailed(ILogger logger, string channelId, string problem, double seconds);

    [LoggerMessage(EventId = 5005, EventName = "ChannelStalled", Level = LogLevel.Warning, Message = "Channel {ChannelId}: polling made no progress for {Seconds} s; restarting it")]
    public static partial void Stalled(ILogger logger, string channelId, double seconds);

    [LoggerMessage(EventId = 5006, EventName = "ChannelStoppedOnError", Level = LogLevel.Error, Message = "Channel {ChannelId} stopped: {Problem}")]
    public static partial void StoppedOnError(ILogger logger, string channelId, string problem);

    [LoggerMessage(EventId = 5007, EventName = "ChannelSendFailed", Level = LogLevel.Warning, Message = "Channel {ChannelId}: a message could not be sent: {Problem}")]
    public static partial void SendFailed(ILogger logger, string channelId, string problem);
}
