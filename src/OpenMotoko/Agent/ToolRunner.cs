using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Conversations;
using OpenMotoko.Providers;

namespace OpenMotoko.Agent;

/// <summary>
/// Offers the tools every policy allows and runs one turn's calls concurrently: each is authorized
/// first, a refused, unknown or failing call becomes an error result for the model, never a failed turn.
/// </summary>
internal sealed class ToolRunner(IEnumerable<IAgentTool> tools, IEnumerable<IToolPolicy> policies, AgentActivity activity, ILogger<ToolRunner> logger,
    Settings.SettingsStore settings)
{
    /// <summary>The most of a tool's output the model (and the history) gets.</summary>
    public const int MaxOutputChars = 64 * 1024;

    /// <summary>The most of arguments and output an activity event carries.</summary>
    public const int MaxActivityChars = 2_000;

    private readonly IAgentTool[] _tools = [.. tools];
    private readonly IToolPolicy[] _policies = [.. policies];

    /// <summary>The tools offered for a run, one per name (the first registered wins).</summary>
    public IReadOnlyList<IAgentTool> Offered() =>
        [.. _tools.Where(t => _policies.All(p => p.IsOffered(t))).DistinctBy(t => t.Definition.Name, StringComparer.Ordinal)];

    public async Task<ToolResultView[]> RunAsync(
        IReadOnlyList<ToolCall> calls, IReadOnlyList<IAgentTool> offered, AgentRun run, string channel, CancellationToken cancellationToken)
    {
        foreach (var call in calls)
        {
            await run.EmitAsync("tool.call", new JsonObject
            {
                ["id"] = call.Id,
                ["name"] = call.Name,
                ["arguments"] = ToNode(call.Arguments),
            }, CancellationToken.None);
        }
        // A model asking for hundreds of calls at once gets them a few at a time (agent.maxParallelTools).
        using var slots = new SemaphoreSlim(Math.Max(1, settings.GetInt32(Settings.SettingsCatalog.MaxParallelTools)));
        return await Task.WhenAll(calls.Select(async call =>
        {
            await slots.WaitAsync(CancellationToken.None); // a cancelled run still answers every call, as an error result
            try
            {
                return await RunOneAsync(call, offered, run, channel, cancellationToken);
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    private async Task<ToolResultView> RunOneAsync(ToolCall call, IReadOnlyList<IAgentTool> offered, AgentRun run, string channel, CancellationToken cancellationToken)
    {
        await Task.Yield(); // the calls of one turn run side by side
        var tool = offered.FirstOrDefault(t => t.Definition.Name == call.Name);
        var skillId = tool?.SkillId;
        await activity.PublishAsync("tool:called", run.ConversationId, channel, skillId, new JsonObject
        {
            ["tool"] = call.Name,
            ["arguments"] = AgentActivity.Truncate(OpenAiArguments(call.Arguments), MaxActivityChars),
        });
        var outcome = tool is null
            ? ToolOutcome.Error($"The tool '{call.Name}' is not available. Use only the tools you were offered.")
            : await AuthorizeAndInvokeAsync(tool, new ToolInvocation(call.Id, call.Name, call.Arguments, run.ConversationId, run.Id), run, cancellationToken);
        var output = AgentActivity.Truncate(outcome.Output, MaxOutputChars);
        var result = new ToolResultView(call.Id, call.Name, output, outcome.IsError);
        await run.EmitAsync("tool.result", new JsonObject
        {
            ["id"] = call.Id,
            ["name"] = call.Name,
            ["output"] = output,
            ["isError"] = outcome.IsError,
        }, CancellationToken.None);
        await activity.PublishAsync("tool:result", run.ConversationId, channel, skillId, new JsonObject
        {
            ["tool"] = call.Name,
            ["isError"] = outcome.IsError,
            ["output"] = AgentActivity.Truncate(output, MaxActivityChars),
        });
        return result;
    }

    private async Task<ToolOutcome> AuthorizeAndInvokeAsync(IAgentTool tool, ToolInvocation invocation, AgentRun run, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var policy in _policies)
            {
                var decision = await policy.AuthorizeAsync(tool, invocation, run, cancellationToken);
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

    private static JsonNode? ToNode(JsonElement arguments) =>
        arguments.ValueKind == JsonValueKind.Undefined ? new JsonObject() : JsonNode.Parse(arguments.GetRawText());

    private static string OpenAiArguments(JsonElement arguments) =>
        arguments.ValueKind == JsonValueKind.Undefined ? "{}" : arguments.GetRawText();
}
