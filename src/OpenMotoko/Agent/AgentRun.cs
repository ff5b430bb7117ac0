using System.Threading.Channels;
using OpenMotoko.Conversations;
using OpenMotoko.Events;
using OpenMotoko.Providers;

namespace OpenMotoko.Agent;

/// <summary>
/// What one run asks, checked and resolved once by the <see cref="TurnService"/>: the message for a
/// conversation, the model it resolved to (<see cref="Choice"/>) and what the person wrote for it.
/// </summary>
internal sealed record AgentRequest(Conversation Conversation, string Content, ModelChoice Choice, string? RequestedModel, string Source,
    Delegation.AgentLineage? Lineage = null);

/// <summary>Tokens and cost of every LLM call of a run.</summary>
internal sealed record RunUsage(long InputTokens, long OutputTokens, decimal Cost);

/// <summary>Why a run ended without an answer: the API status, code and message.</summary>
internal sealed record RunFailure(int StatusCode, string Code, string Message);

/// <summary>How a run ended: the final assistant message, or a failure (stored as a failed turn either way).</summary>
internal sealed record RunOutcome(MessageView? Message, RunUsage Usage, RunFailure? Failure);

/// <summary>A running run: its id, conversation, start and status.</summary>
internal sealed record AgentRunInfo(string Id, string ConversationId, long StartedAt, string Status);

/// <summary>
/// One agent run, decoupled from whatever started it: the events of the run that its stream shows
/// (<see cref="RunStreamFormat"/>) queue up for whoever listens (an SSE response) and the run goes
/// on when nobody does.
/// </summary>
internal sealed class AgentRun : IDisposable
{
    private readonly Channel<AgentEvent> _events = Channel.CreateUnbounded<AgentEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _cancel = new();
    private volatile string _status = "running";

    public AgentRun(string id, string conversationId, string source, long startedAt)
    {
        Id = id;
        ConversationId = conversationId;
        StartedAt = startedAt;
        Scope = new EventScope(id, conversationId, source);
    }

    public string Id { get; }
    public string ConversationId { get; }
    public long StartedAt { get; }

    /// <summary>Where this run's events happen: its id, conversation and source.</summary>
    public EventScope Scope { get; }

    public string Status { get => _status; set => _status = value; }
    public CancellationToken Token => _cancel.Token;
    public ChannelReader<AgentEvent> Events => _events.Reader;
    public Task<RunOutcome> Completion { get; set; } = Task.FromResult(new RunOutcome(null, new RunUsage(0, 0, 0m), null));

    public AgentRunInfo Info => new(Id, ConversationId, StartedAt, Status);

    /// <summary>Queues one of the run's own events for its stream.</summary>
    public void Enqueue(AgentEvent e) => _events.Writer.TryWrite(e);

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
