using System.Text.Json.Nodes;
using OpenMotoko.Providers;
using OpenMotoko.Skills;

namespace OpenMotoko.Agent.Delegation;

/// <summary>cancel_agent {id}: cancels one of the caller's own sub-agents and everything it started.</summary>
internal sealed class CancelAgentTool(AgentSupervisor supervisor) : IAgentTool
{
    public const string Name = "cancel_agent";

    public string SkillId => BuiltInSkills.Delegate;
    public bool ChangesState => false;

    public ToolDefinition Definition { get; } = new(Name,
        "Stop a sub-agent you started (and any sub-agents it started). Its answer so far is kept.",
        ToolArguments.Schema("""
            {"type":"object","properties":{"id":{"type":"string","description":"The id spawn_agent returned."}},"required":["id"],"additionalProperties":false}
            """));

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(invocation.Arguments);
        var id = arguments.Text("id", 200);
        if (id is null)
        {
            return ToolOutcome.Error(arguments.Error!);
        }
        if (supervisor.Find(id) is not { } child || child.ParentId != invocation.RunId)
        {
            return ToolOutcome.Error($"'{Events.AgentEvent.Truncate(id, 64)}' is not a sub-agent you started. Use the ids spawn_agent returned to you.");
        }
        await supervisor.CancelTreeAsync(id);
        return ToolOutcome.Ok(new JsonObject { ["id"] = id, ["status"] = child.CurrentStatus }.ToJsonString());
    }
}
