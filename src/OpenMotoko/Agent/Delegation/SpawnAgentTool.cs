using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Conversations;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;
using OpenMotoko.Settings;
using OpenMotoko.Skills;

namespace OpenMotoko.Agent.Delegation;

/// <summary>
/// spawn_agent {task, name?, model?, budgetUsd?, tools?}: starts a sub-agent in a conversation of its
/// own and returns its id at once. It gets the skills its parent has (a subset with <c>tools</c>), a
/// budget (agents.defaultBudgetUsd unless given, never more than a budgeted parent has left), and
/// is refused past agents.maxDepth.
/// </summary>
internal sealed class SpawnAgentTool(AgentSupervisor supervisor, ConversationStore conversations, ModelSelector selector, SettingsStore settings,
    IServiceProvider services, TimeProvider time) : IAgentTool
{
    public const string Name = "spawn_agent";
    public const int MaxName = 80;
    public const int MaxChildrenPerRun = 50;
    public const decimal MaxBudgetUsd = 100m;

    public string SkillId => BuiltInSkills.Delegate;
    public bool ChangesState => false;

    public ToolDefinition Definition { get; } = new(Name,
        "Hand a self-contained part of the task to a sub-agent that works on it in parallel in a conversation of its own. " +
        "Returns the sub-agent's id at once; collect its answer with wait_agents.",
        ToolArguments.Schema("""
            {"type":"object","properties":{
              "task":{"type":"string","description":"Everything the sub-agent needs to know: it does not see this conversation."},
              "name":{"type":"string","description":"A short name for the sub-agent."},
              "model":{"type":"string","description":"Model for the sub-agent (default: yours)."},
              "budgetUsd":{"type":"number","description":"Most the sub-agent may spend, in USD (default from settings)."},
              "tools":{"type":"array","items":{"type":"string"},"description":"Skill ids the sub-agent may use, a subset of yours (default: all of yours)."}},
             "required":["task"],"additionalProperties":false}
            """));

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(invocation.Arguments);
        var task = arguments.Text("task", AgentSupervisor.MaxTaskChars);
        var name = arguments.String("name", required: false)?.Trim();
        var model = arguments.String("model", required: false)?.Trim();
        if (arguments.Error is { } error)
        {
            return ToolOutcome.Error(error);
        }
        if (name is { Length: 0 or > MaxName })
        {
            return ToolOutcome.Error($"'name' must be 1 to {MaxName} characters");
        }
        if (supervisor.Find(invocation.RunId) is not { } parent || parent.Status != AgentStatus.Running)
        {
            return ToolOutcome.Error("Sub-agents can only be started by a running agent.");
        }
        var maxDepth = settings.GetInt32(SettingsCatalog.AgentsMaxDepth);
        if (parent.Depth + 1 > maxDepth)
        {
            return ToolOutcome.Error($"You are a sub-agent at depth {parent.Depth} and may not start more (agents.maxDepth is {maxDepth}). Do the work yourself.");
        }
        if (supervisor.ChildrenOf(parent.Id).Count() >= MaxChildrenPerRun)
        {
            return ToolOutcome.Error($"A run may start at most {MaxChildrenPerRun} sub-agents.");
        }
        var (budget, budgetError) = Budget(invocation.Arguments, parent);
        var (skills, skillsError) = Skills(invocation.Arguments, parent);
        if ((budgetError ?? skillsError) is { } invalid)
        {
            return ToolOutcome.Error(invalid);
        }
        ModelChoice choice;
        try
        {
            choice = selector.Resolve(string.IsNullOrEmpty(model) ? parent.Model : model);
        }
        catch (ApiException ex)
        {
            return ToolOutcome.Error($"'model': {ex.Message}");
        }

        var title = $"Sub-agent: {name ?? Events.AgentEvent.Truncate(task!, 60)}";
        var conversation = await conversations.CreateAsync(title, null, choice.Qualified, null, cancellationToken);
        var child = new AgentEntry(ConversationStore.NewId(), parent.Id, conversation.Id, name, task!, choice.Qualified, parent.Depth + 1, budget,
            skills!, time.GetUtcNow().ToUnixTimeMilliseconds());
        await supervisor.SpawnAsync(parent, child);
        return ToolOutcome.Ok(new JsonObject
        {
            ["id"] = child.Id,
            ["name"] = child.Name,
            ["status"] = child.CurrentStatus,
            ["conversationId"] = child.ConversationId,
            ["budgetUsd"] = budget,
            ["skills"] = new JsonArray([.. skills!.Order(StringComparer.Ordinal).Select(s => (JsonNode)s)]),
        }.ToJsonString());
    }

    private (decimal Value, string? Error) Budget(JsonElement arguments, AgentEntry parent)
    {
        var fallback = settings.Get(SettingsCatalog.AgentsDefaultBudgetUsd) is { ValueKind: JsonValueKind.Number } setting ? setting.GetDecimal() : 0.5m;
        var left = parent.BudgetUsd is { } parentBudget ? Math.Max(0m, parentBudget - parent.SpentUsd) : (decimal?)null;
        if (!arguments.TryGetProperty("budgetUsd", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return (left is { } l ? Math.Min(fallback, l) : fallback, left is 0m ? "You have no budget left to give a sub-agent." : null);
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var budget) || budget <= 0 || budget > MaxBudgetUsd)
        {
            return (0, $"'budgetUsd' must be a number above 0 and at most {MaxBudgetUsd.ToString(CultureInfo.InvariantCulture)}");
        }
        return left is { } remaining && budget > remaining
            ? (0, $"'budgetUsd' may not exceed what you have left of your own budget ({remaining.ToString("0.00####", CultureInfo.InvariantCulture)} USD)")
            : (budget, null);
    }

    /// <summary>The skills the parent was offered; <c>tools</c> may only narrow them.</summary>
    private (IReadOnlySet<string>? Value, string? Error) Skills(JsonElement arguments, AgentEntry parent)
    {
        var offered = services.GetRequiredService<ToolRunner>().Offered().Select(t => t.SkillId)
            .Where(id => parent.Skills is null || parent.Skills.Contains(id)).ToHashSet(StringComparer.Ordinal);
        if (!arguments.TryGetProperty("tools", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return (offered, null);
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > 50 || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            return (null, "'tools' must be an array of skill ids");
        }
        var wanted = value.EnumerateArray().Select(v => v.GetString()!).ToHashSet(StringComparer.Ordinal);
        var unknown = wanted.Where(id => !offered.Contains(id)).ToList();
        return unknown.Count > 0
            ? (null, $"'tools' may only name skills you have: {string.Join(", ", offered.Order(StringComparer.Ordinal))} (not {string.Join(", ", unknown)})")
            : (wanted, null);
    }
}
