using OpenMotoko.Events;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Agent.Delegation;

/// <summary>The sub-agents' queue: each parent runs at most agents.maxConcurrent children, the rest wait in order.</summary>
internal sealed partial class AgentSupervisor
{
    /// <summary>Queues a sub-agent of <paramref name="parent"/> and starts it when the parent has a free slot.</summary>
    public async Task<AgentEntry> SpawnAsync(AgentEntry parent, AgentEntry child)
    {
        lock (_lock)
        {
            _entries[child.Id] = child;
            if (!_queues.TryGetValue(parent.Id, out var queue))
            {
                _queues[parent.Id] = queue = new Queue<AgentEntry>();
            }
            queue.Enqueue(child);
        }
        store.Save(child);
        var scope = parent.Run?.Scope ?? new EventScope(parent.Id, parent.ConversationId, null);
        await bus.PublishAsync(new AgentSpawned(scope, child.Id, child.Name, child.Depth, child.BudgetUsd ?? 0m, child.ConversationId, child.Task));
        await PumpAsync(parent.Id);
        return child;
    }

    /// <summary>Starts queued children of <paramref name="parentId"/> while it has free slots.</summary>
    private async Task PumpAsync(string parentId)
    {
        var max = Math.Max(1, settings.GetInt32(SettingsCatalog.AgentsMaxConcurrent));
        while (true)
        {
            AgentEntry? next = null;
            lock (_lock)
            {
                if (lifetime.ApplicationStopping.IsCancellationRequested || !_queues.TryGetValue(parentId, out var queue))
                {
                    return;
                }
                if (ChildrenOf(parentId).Count(c => c.Status is AgentStatus.Running or AgentStatus.Cancelling) >= max)
                {
                    return;
                }
                while (queue.TryDequeue(out var candidate))
                {
                    if (candidate.Status == AgentStatus.Queued)
                    {
                        next = candidate;
                        break;
                    }
                }
                if (next is null)
                {
                    return;
                }
                next.Status = AgentStatus.Running; // holds the slot from now on
            }
            await StartAsync(next);
        }
    }

    private async Task StartAsync(AgentEntry child)
    {
        var lineage = new AgentLineage(child.Id, child.ParentId!, child.Depth, child.Name, child.BudgetUsd ?? 0m, child.Skills ?? new HashSet<string>());
        try
        {
            await services.GetRequiredService<TurnService>().StartAsync(
                new InboundMessage(TurnSources.Agent, child.Task, child.ConversationId, Model: child.Model, Lineage: lineage), CancellationToken.None);
        }
        catch (Exception ex)
        {
            var code = ex is ApiException api ? api.Code : ErrorCodes.Internal;
            SupervisorLog.StartFailed(logger, child.Id, code, ex.Message);
            lock (_lock)
            {
                child.Status = AgentStatus.Failed;
                child.Reason = code == ErrorCodes.BudgetExceeded ? AgentReasons.Budget : AgentReasons.Error;
                child.Error = ex.Message;
                child.FinishedAt = Now;
            }
            await FinishAsync(child);
        }
    }
}
