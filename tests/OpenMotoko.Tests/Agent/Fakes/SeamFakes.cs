using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Agent;
using OpenMotoko.Events;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;

namespace OpenMotoko.Tests.Agent.Fakes;

// Stand-ins for what other features plug into the agent loop's seams (skills, costs, activity).

/// <summary>One recorded event as the activity feed would store it: its type, scope and data.</summary>
internal sealed record RecordedEvent(string Type, string? ConversationId, string? Channel, string? SkillId, JsonObject Data);

/// <summary>Keeps every event of the bus that the activity feed records, in the order the bus delivered them.</summary>
internal sealed class RecordingSink : IEventSubscriber
{
    public ConcurrentQueue<RecordedEvent> Entries { get; } = new();

    public ValueTask OnEventAsync(AgentEvent e)
    {
        if (e.Recorded)
        {
            var data = (JsonObject)JsonSerializer.SerializeToNode(e, EventsJsonContext.Default.AgentEvent)!;
            data.Remove("type");
            Entries.Enqueue(new RecordedEvent(e.Type, e.Scope.ConversationId, e.Scope.Channel, e.Scope.SkillId, data));
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>A tool whose calls only finish when <paramref name="peers"/> of them are running at the same time.</summary>
internal sealed class RendezvousTool(int peers) : IAgentTool
{
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public string SkillId => "test";
    public ToolDefinition Definition { get; } = new("rendezvous", "Waits for its peers.", JsonDocument.Parse("""{"type":"object"}""").RootElement);
    public bool ChangesState => false;

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _arrived) == peers)
        {
            _allArrived.TrySetResult();
        }
        try
        {
            // A guard, not a sleep: run one after the other, the first call would wait here forever.
            await _allArrived.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
            return ToolOutcome.Ok($"met {peers} peers as {invocation.CallId}");
        }
        catch (TimeoutException)
        {
            return ToolOutcome.Error("ran alone");
        }
    }
}

/// <summary>A tool that answers with a lot of text, or throws.</summary>
internal sealed class TextTool(string name, Func<string> output) : IAgentTool
{
    public string SkillId => "test";
    public ToolDefinition Definition { get; } = new(name, "Answers with text.", JsonDocument.Parse("""{"type":"object"}""").RootElement);
    public bool ChangesState => true;

    public Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken) => Task.FromResult(ToolOutcome.Ok(output()));
}

/// <summary>Hides one tool and refuses calls to another after asking, as a skill policy in off/ask mode would.</summary>
internal sealed class PickyPolicy(EventBus bus, string hidden, string refused) : IToolPolicy
{
    public bool IsOffered(IAgentTool tool) => tool.Definition.Name != hidden;

    public async ValueTask<ToolDecision> AuthorizeAsync(IAgentTool tool, ToolInvocation call, CancellationToken cancellationToken)
    {
        if (tool.Definition.Name != refused)
        {
            return ToolDecision.Allow;
        }
        await bus.PublishAsync(new ApprovalRequested(new EventScope(call.RunId, call.ConversationId, null), "apr_test", tool.Definition.Name, null, "", 0));
        return ToolDecision.Refuse("the owner said no");
    }
}

/// <summary>Adds a fixed line to the system prompt.</summary>
internal sealed class FixedContributor(string text) : ISystemPromptContributor
{
    public ValueTask<string?> ContributeAsync(string conversationId, string userMessage, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(text);
}

/// <summary>Refuses every LLM call, as the budget guard does when the budget is spent.</summary>
internal sealed class RefusingObserver : ILlmCallGate
{
    public ValueTask<IDisposable?> BeforeCallAsync(LlmCall call, CancellationToken cancellationToken) =>
        throw new ApiException(429, "BUDGET_EXCEEDED", "Daily budget of $1.00 reached ($1.02 spent).");
}

/// <summary>Counts the priced calls the router published.</summary>
internal sealed class CountingObserver : IEventSubscriber
{
    public ConcurrentQueue<(string Provider, string Model, long Input, long Output, decimal Cost)> After { get; } = new();

    public ValueTask OnEventAsync(AgentEvent e)
    {
        if (e is LlmCompleted call)
        {
            After.Enqueue((call.Provider, call.Model, call.InputTokens, call.OutputTokens, call.Cost));
        }
        return ValueTask.CompletedTask;
    }
}
