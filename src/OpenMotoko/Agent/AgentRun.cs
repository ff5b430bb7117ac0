using System.Text.Json.Nodes;
using System.Threading.Channels;
using OpenMotoko.Conversations;

namespace OpenMotoko.Agent;

/// <summary>What one run asks: a message for a conversation, with an optional model override.</summary>
internal sealed record AgentRequest(Conversation Conversation, string Content, string? Model, string Channel);

/// <summary>One event of a run as the person sees it (SSE event name and its data).</summary>
internal sealed record RunEvent(string Type, JsonObject Data);

/// <summary>Tokens and cost of every LLM call of a run.</summary>
internal sealed record RunUsage(long InputTokens, long OutputTokens, decimal Cost);

/// <summary>Why a run ended without an answer: the API status, code and message.</summary>
internal sealed record RunFailure(int StatusCode, string Code, string Message);

/// <summary>How a run ended: the final assistant message, or a failure (stored as a failed turn either way).</summary>
internal sealed record RunOutcome(MessageView? Message, RunUsage Usage, RunFailure? Failure);

/// <summary>A run as GET /api/agents shows it.</summary>
internal sealed record AgentRunInfo(string Id, string ConversationId, long StartedAt, string Status);

/// <summary>The running agents, as GET /api/agents lists them.</summary>
internal sealed record AgentRunList(IReadOnlyList<AgentRunInfo> Items, int Total);

/// <summary>
/// One agent run, decoupled from the HTTP request that started it: its events queue up for
/// whoever listens (an SSE response) and the run goes on when nobody does.
/// </summary>
internal sealed class AgentRun : IAgentRunEvents, IDisposable
{
    private readonly Channel<RunEvent> _events = Channel.CreateUnbounded<RunEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _cancel = new();
    private volatile string _status = "running";

    public AgentRun(string id, string conversationId, long startedAt)
    {
        Id = id;
        ConversationId = conversationId;
        StartedAt = startedAt;
    }

    public string Id { get; }
    public string ConversationId { get; }
    public long StartedAt { get; }
    public string Status { get => _status; set => _status = value; }
    public CancellationToken Token => _cancel.Token;
    public ChannelReader<RunEvent> Events => _events.Reader;
    public Task<RunOutcome> Completion { get; set; } = Task.FromResult(new RunOutcome(null, new RunUsage(0, 0, 0m), null));

    public AgentRunInfo Info => new(Id, ConversationId, StartedAt, Status);

    public ValueTask EmitAsync(string type, JsonObject data, CancellationToken cancellationToken)
    {
        _events.Writer.TryWrite(new RunEvent(type, data));
        return ValueTask.CompletedTask;
    }

    public void Cancel()
    {
        if (!_cancel.IsCancellationRequested)
        {
            Status = "cancelling";
            _cancel.Cancel();
        }
    }

    /// <summary>No more events: the listener's loop ends after the last one.</summary>
    public void CompleteEvents() => _events.Writer.TryComplete();

    public void Dispose() => _cancel.Dispose();
}
