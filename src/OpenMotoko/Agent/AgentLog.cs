namespace OpenMotoko.Agent;

internal static partial class AgentLog
{
    [LoggerMessage(1, LogLevel.Warning, "System prompt contributor {Contributor} failed; its text is left out")]
    public static partial void ContributorFailed(ILogger logger, string contributor, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Activity sink failed for {Type}")]
    public static partial void ActivityFailed(ILogger logger, string type, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Tool {Tool} threw; the model gets the error as the result")]
    public static partial void ToolThrew(ILogger logger, string tool, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "Run {RunId} in conversation {ConversationId} failed: {Code} {Message}")]
    public static partial void RunFailed(ILogger logger, string runId, string conversationId, string code, string message);

    [LoggerMessage(5, LogLevel.Error, "Run {RunId} in conversation {ConversationId} failed unexpectedly")]
    public static partial void RunCrashed(ILogger logger, string runId, string conversationId, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "Run {RunId} stopped after {Iterations} iterations (agent.maxIterations)")]
    public static partial void MaxIterations(ILogger logger, string runId, int iterations);
}
