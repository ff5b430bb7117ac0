namespace OpenMotoko.Approvals;

internal static partial class ApprovalsLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Approval {ApprovalId} requested for {Tool} ({SkillId}) in conversation {ConversationId}")]
    public static partial void Requested(ILogger logger, string approvalId, string tool, string skillId, string conversationId);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Approval {ApprovalId} settled: {Outcome}")]
    public static partial void Settled(ILogger logger, string approvalId, string outcome);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Refused {Tool} ({SkillId}) in conversation {ConversationId} without asking: its arguments cannot be shown in full")]
    public static partial void Unshowable(ILogger logger, string tool, string skillId, string conversationId);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "An approval listener failed for {ApprovalId}")]
    public static partial void ListenerFailed(ILogger logger, string approvalId, Exception exception);
}
