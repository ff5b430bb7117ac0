using OpenMotoko.Providers;

namespace OpenMotoko.Agent.Delegation;

internal static partial class SupervisorLog
{
    [LoggerMessage(EventId = 1401, EventName = "SubAgentStartFailed", Level = LogLevel.Warning,
        Message = "Sub-agent {AgentId} could not start: {Code} {Message}")]
    public static partial void StartFailed(ILogger logger, string agentId, string code, string message);

    [LoggerMessage(EventId = 1402, EventName = "AgentRunsInterrupted", Level = LogLevel.Information,
        Message = "{Count} agent runs were interrupted by the last shutdown and are marked failed (restart)")]
    public static partial void Interrupted(ILogger logger, int count);
}

/// <summary>Refuses a sub-agent's model call once its spend has reached its budgetUsd (the global budget guard is a gate of its own).</summary>
internal sealed class SubAgentBudgetGate(AgentSupervisor supervisor) : ILlmCallGate
{
    public ValueTask<IDisposable?> BeforeCallAsync(LlmCall call, CancellationToken cancellationToken)
    {
        if (supervisor.ForConversation(call.ConversationId) is { BudgetUsd: { } budget } entry && entry.SpentUsd >= budget)
        {
            throw new Hosting.ApiException(StatusCodes.Status429TooManyRequests, Hosting.ErrorCodes.BudgetExceeded,
                string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"This sub-agent has spent its budget of {budget:0.00####} USD ({entry.SpentUsd:0.00####} USD spent)."));
        }
        return ValueTask.FromResult<IDisposable?>(null);
    }
}
