namespace OpenMotoko.Webhooks;

/// <summary>The webhooks' log lines. Never a secret, a token or a payload.</summary>
internal static partial class WebhooksLog
{
    [LoggerMessage(EventId = 1200, EventName = "WebhookTriggered", Level = LogLevel.Information,
        Message = "Webhook {WebhookId} ({Name}) triggered run {RunId} in conversation {ConversationId}")]
    public static partial void Triggered(ILogger logger, string webhookId, string name, string runId, string conversationId);

    [LoggerMessage(EventId = 1202, EventName = "WebhookRefused", Level = LogLevel.Warning,
        Message = "Webhook {WebhookId}: a trigger from {Client} had a wrong secret or signature")]
    public static partial void Refused(ILogger logger, string webhookId, string client);

    [LoggerMessage(EventId = 1210, EventName = "GmailPushFailed", Level = LogLevel.Warning,
        Message = "Gmail push for history {HistoryId} failed: {Reason}")]
    public static partial void GmailFailed(ILogger logger, string historyId, string reason);

    [LoggerMessage(EventId = 1211, EventName = "GmailReadFailed", Level = LogLevel.Warning,
        Message = "Gmail: could not read the new messages ({Reason}); the prompt carries the notification only")]
    public static partial void GmailReadFailed(ILogger logger, string reason);
}
