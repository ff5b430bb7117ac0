using System.Text;
using OpenMotoko.Conversations;

namespace OpenMotoko.Agent;

/// <summary>One model call's answer: its text, the tools it asked for, who answered and what it cost.</summary>
internal sealed record ModelTurn(string Text, IReadOnlyList<Providers.ToolCall> Calls, string Provider, string Model, long InputTokens, long OutputTokens, decimal Cost);

/// <summary>What a run has gathered so far: usage totals, the answer streaming now, who answered last.</summary>
internal sealed class RunState(AgentRun run, AgentRequest request, Func<long> now)
{
    private long _inputTokens;
    private long _outputTokens;
    private decimal _cost;

    public AgentRun Run => run;
    public AgentRequest Request => request;

    /// <summary>The text of the model call in progress: stored with the error if the run fails mid-answer.</summary>
    public StringBuilder Partial { get; } = new();

    public string? Provider { get; set; }
    public string? Model { get; set; }

    /// <summary>The run's total usage: the sum of every priced call (fallback attempts included).</summary>
    public RunUsage Usage => new(_inputTokens, _outputTokens, _cost);

    public void Add(long inputTokens, long outputTokens, decimal cost)
    {
        _inputTokens += inputTokens;
        _outputTokens += outputTokens;
        _cost += cost;
    }

    /// <summary>A new message of this run; with <paramref name="turn"/> it carries that call's model, tokens and cost.</summary>
    public MessageView Message(string role, string content, ModelTurn? turn = null) => new(
        ConversationStore.NewId(), run.ConversationId, role, content, null, null,
        turn?.Model ?? (role == MessageRoles.User ? null : Model),
        turn?.Provider ?? (role == MessageRoles.User ? null : Provider),
        turn?.InputTokens ?? 0, turn?.OutputTokens ?? 0, turn?.Cost ?? 0m, now());
}
