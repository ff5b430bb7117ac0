using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Providers;
using OpenMotoko.Skills;

namespace OpenMotoko.Agent.Delegation;

/// <summary>
/// wait_agents {ids, timeoutSec?}: waits until each of the caller's own sub-agents has ended, or the
/// timeout, and returns each one's status with its answer (or the text it had so far).
/// </summary>
internal sealed class WaitAgentsTool(AgentSupervisor supervisor, TimeProvider time) : IAgentTool
{
    public const string Name = "wait_agents";
    public const int MaxIds = 20;
    public const int DefaultTimeoutSec = 300;
    public const int MaxTimeoutSec = 3600;

    public string SkillId => BuiltInSkills.Delegate;
    public bool ChangesState => false;

    public ToolDefinition Definition { get; } = new(Name,
        "Wait for sub-agents you started to finish and get their answers. On timeout, returns what each had so far.",
        ToolArguments.Schema("""
            {"type":"object","properties":{
              "ids":{"type":"array","items":{"type":"string"},"description":"Ids returned by spawn_agent."},
              "timeoutSec":{"type":"integer","description":"Most seconds to wait (default 300, at most 3600)."}},
             "required":["ids"],"additionalProperties":false}
            """));

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(invocation.Arguments);
        var timeout = arguments.Integer("timeoutSec", 1, MaxTimeoutSec) ?? DefaultTimeoutSec;
        if (arguments.Error is { } error)
        {
            return ToolOutcome.Error(error);
        }
        var (children, problem) = OwnChildren(supervisor, invocation, MaxIds);
        if (problem is not null)
        {
            return ToolOutcome.Error(problem);
        }
        var timedOut = false;
        try
        {
            await Task.WhenAll(children.Select(c => c.Ended.Task)).WaitAsync(TimeSpan.FromSeconds(timeout), time, cancellationToken);
        }
        catch (TimeoutException)
        {
            timedOut = true;
        }
        var agents = new JsonArray();
        foreach (var child in children)
        {
            var view = child.View();
            var item = new JsonObject { ["id"] = view.Id, ["name"] = view.Name, ["status"] = view.Status, ["spentUsd"] = view.SpentUsd };
            if (view.Reason is not null)
            {
                item["reason"] = view.Reason;
                item["error"] = child.Error;
            }
            if (AgentStatus.IsLive(view.Status))
            {
                item["partial"] = child.PartialText();
            }
            else
            {
                item["output"] = view.Output;
            }
            agents.Add((JsonNode)item);
        }
        return ToolOutcome.Ok(new JsonObject { ["timedOut"] = timedOut, ["agents"] = agents }.ToJsonString());
    }

    /// <summary>The sub-agents named by <c>ids</c>, each of which must have been started by the calling run.</summary>
    public static (List<AgentEntry> Children, string? Problem) OwnChildren(AgentSupervisor supervisor, ToolInvocation invocation, int max)
    {
        var children = new List<AgentEntry>();
        if (!invocation.Arguments.TryGetProperty("ids", out var ids) || ids.ValueKind != JsonValueKind.Array || ids.GetArrayLength() is 0
            || ids.GetArrayLength() > max || ids.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            return (children, $"'ids' must be an array of 1 to {max} sub-agent ids");
        }
        foreach (var id in ids.EnumerateArray().Select(v => v.GetString()!).Distinct(StringComparer.Ordinal))
        {
            if (supervisor.Find(id) is not { } child || child.ParentId != invocation.RunId)
            {
                return (children, $"'{Events.AgentEvent.Truncate(id, 64)}' is not a sub-agent you started. Use the ids spawn_agent returned to you.");
            }
            children.Add(child);
        }
        return (children, null);
    }
}
