using System.Text.Json;
using OpenMotoko.Conversations;
using OpenMotoko.Events;
using OpenMotoko.Providers;

namespace OpenMotoko.Agent;

/// <summary>
/// Offers the tools every policy allows and runs one turn's calls concurrently: each is authorized
/// first, a refused, unknown or failing call becomes an error result for the model, never a failed turn.
/// Each call is published as <see cref="ToolCalled"/> and its result as <see cref="ToolCompleted"/>.
/// </summary>
internal sealed class ToolRunner(IEnumerable<IAgentTool> tools, IEnumerable<IToolPolicy> policies, EventBus bus, Settings.SettingsStore settings,
    ILogger<ToolRunner> logger)
{
    /// <summary>The most of a tool's output the model (and the history) gets.</summary>
    public const int MaxOutputChars = 64 * 1024;

    private readonly IAgentTool[] _tools = [.. tools];
    private readonly IToolPolicy[] _policies = [.. policies];

    /// <summary>The tools offered for a run, one per name (the first registered wins).</summary>
    public IReadOnlyList<IAgentTool> Offered() =>
        [.. _tools.Where(t => _policies.All(p => p.IsOffered(t))).DistinctBy(t => t.Definition.Name, StringComparer.Ordinal)];

    public async Task<ToolResultView[]> RunAsync(IReadOnlyList<ToolCall> calls, IReadOnlyList<IAgentTool> offered, AgentRun run, CancellationToken cancellationToken)
    {
        var called = new IAgentTool?[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            called[i] = offered.FirstOrDefault(t => t.Definition.Name == call.Name);
            await bus.PublishAsync(new ToolCalled(run.Scope.ForSkill(called[i]?.SkillId), call.Id, call.Name, call.Arguments));
        }
        // A model asking for hundreds of calls at once gets them a few at a time (agent.maxParallelTools).
        using var slots = new SemaphoreSlim(Math.Max(1, settings.GetInt32(Settings.SettingsCatalog.MaxParallelTools)));
        return await Task.WhenAll(calls.Select(async (call, i) =>
        {
            await slots.WaitAsync(CancellationToken.None); // a cancelled run still answers every call, as an error result
            try
            {
                return await RunOneAsync(call, called[i], run, cancellationToken);
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    private async Task<ToolResultView> RunOneAsync(ToolCall call, IAgentTool? tool, AgentRun run, CancellationToken cancellationToken)
    {
        await Task.Yield(); // the calls of one turn run side by side
        var outcome = tool is null
            ? ToolOutcome.Error($"The tool '{call.Name}' is not available. Use only the tools you were offered.")
            : call.Arguments.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined)
            ? ToolOutcome.Error($"The arguments must be a JSON object nested at most {ToolCallArguments.MaxDepth} levels deep; these were not. Call the tool again with such an object.")
            : await AuthorizeAndInvokeAsync(tool, new ToolInvocation(call.Id, call.Name, call.Arguments, run.ConversationId, run.Id), cancellationToken);
        var output = AgentEvent.Truncate(outcome.Output, MaxOutputChars);
        await bus.PublishAsync(new ToolCompleted(run.Scope.ForSkill(tool?.SkillId), call.Id, call.Name, outcome.IsError, output));
        return new ToolResultView(call.Id, call.Name, output, outcome.IsError);
    }

    private async Task<ToolOutcome> AuthorizeAndInvokeAsync(IAgentTool tool, ToolInvocation invocation, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var policy in _policies)
            {
                var decision = await policy.AuthorizeAsync(tool, invocation, cancellationToken);
                if (!decision.Allowed)
                {
                    return ToolOutcome.Error($"The call was refused: {decision.Reason ?? "not allowed"}");
                }
            }
            return await tool.InvokeAsync(invocation, cancellationToken) ?? ToolOutcome.Error("The tool returned nothing.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ToolOutcome.Error("The run was cancelled before the tool finished.");
        }
        catch (Exception ex)
        {
            AgentLog.ToolThrew(logger, invocation.Name, ex);
            return ToolOutcome.Error($"The tool failed: {ex.Message}");
        }
    }
}
