using System.Collections.Concurrent;
using System.Text.Json;
using OpenMotoko.Activity;
using OpenMotoko.Agent;
using OpenMotoko.Providers;

namespace OpenMotoko.Tests.Agent.Fakes;

// Stand-ins for what other features plug into the agent loop's seams (skills, costs, activity).

/// <summary>Keeps every activity entry it is given.</summary>
internal sealed class RecordingSink : IActivitySink
{
    public ConcurrentQueue<ActivityEntry> Entries { get; } = new();

    public ValueTask PublishAsync(ActivityEntry entry, CancellationToken cancellationToken)
    {
        Entries.Enqueue(entry);
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

/// <summary>Hides one tool and refuses calls to another, as a skill policy in off/ask mode would.</summary>
internal sealed class PickyPolicy(string hidden, string refused) : IToolPolicy
{
    public bool IsOffered(IAgentTool tool) => tool.Definition.Name != hidden;

    public async ValueTask<ToolDecision> AuthorizeAsync(IAgentTool tool, ToolInvocation call, IAgentRunEvents events, CancellationToken cancellationToken)
    {
        if (tool.Definition.Name != refused)
        {
            return ToolDecision.Allow;
        }
        await events.EmitAsync("approval.required", new System.Text.Json.Nodes.JsonObject { ["tool"] = tool.Definition.Name }, cancellationToken);
        return ToolDecision.Refuse("the owner said no");
    }
}

/// <summary>Adds a fixed line to the system prompt.</summary>
internal sealed class FixedContributor(string text) : ISystemPromptContributor
{
    public ValueTask<string?> ContributeAsync(string conversationId, string userMessage, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(text);
}

/// <summary>Refuses every LLM call, as the budget guard does when the budget is spent.</summary>
internal sealed class RefusingObserver : ILlmCallObserver
{
    public ValueTask BeforeCallAsync(LlmCall call, CancellationToken cancellationToken) =>
        throw new AgentStopException(429, "BUDGET_EXCEEDED", "Daily budget of $1.00 reached ($1.02 spent).");

    public ValueTask AfterCallAsync(LlmCall call, long inputTokens, long outputTokens, decimal cost, bool priceKnown, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;
}

/// <summary>Counts what the router reported after each call.</summary>
internal sealed class CountingObserver : ILlmCallObserver
{
    public ConcurrentQueue<(string Provider, string Model, long Input, long Output, decimal Cost)> After { get; } = new();

    public ValueTask BeforeCallAsync(LlmCall call, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask AfterCallAsync(LlmCall call, long inputTokens, long outputTokens, decimal cost, bool priceKnown, CancellationToken cancellationToken)
    {
        After.Enqueue((call.Provider, call.Model, inputTokens, outputTokens, cost));
        return ValueTask.CompletedTask;
    }
}
