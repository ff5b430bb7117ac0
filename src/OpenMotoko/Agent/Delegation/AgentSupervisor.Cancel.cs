using OpenMotoko.Events;
using OpenMotoko.Providers;

namespace OpenMotoko.Agent.Delegation;

internal sealed partial class AgentSupervisor
{
    /// <summary>
    /// Cancels a run and every descendant: queued ones end cancelled at once, running ones are
    /// cancelled (their provider calls and tool processes are aborted) and end on their own.
    /// </summary>
    public async Task CancelTreeAsync(string id)
    {
        var queued = new List<AgentEntry>();
        var running = new List<AgentRun>();
        lock (_lock)
        {
            var pending = new Stack<string>([id]);
            while (pending.TryPop(out var current))
            {
                if (!_entries.TryGetValue(current, out var entry) || !AgentStatus.IsLive(entry.Status))
                {
                    continue;
                }
                entry.CancelRequested = true;
                if (entry.Status == AgentStatus.Queued)
                {
                    entry.Status = AgentStatus.Cancelled;
                    entry.Reason = AgentReasons.Cancelled;
                    entry.FinishedAt = Now;
                    queued.Add(entry);
                }
                else if (entry.Run is { } run)
                {
                    running.Add(run);
                }
                foreach (var child in ChildrenOf(current))
                {
                    pending.Push(child.Id);
                }
            }
        }
        foreach (var run in running)
        {
            CancelRun(run);
        }
        foreach (var entry in queued)
        {
            await FinishAsync(entry);
        }
    }

    private static void CancelRun(AgentRun run)
    {
        try
        {
            run.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // it ended between the lookup and the cancel
        }
    }

    /// <summary>Counts each run's spend (for its budget and the list), keeps a sub-agent's latest text for a wait that times out,
    /// and stores a run as completed together with its answer.</summary>
    public ValueTask OnEventAsync(AgentEvent e)
    {
        if (e.Scope.RunId is { } runId && _entries.TryGetValue(runId, out var entry))
        {
            switch (e)
            {
                case LlmCompleted call:
                    entry.AddSpent(call.Cost);
                    break;
                case MessageDelta delta when entry.ParentId is not null:
                    entry.AppendPartial(delta.Text);
                    break;
                case MessageSent sent:
                    // Stored with the answer's own commit (published just before it), not in a commit of its own.
                    entry.StoredAnswer = AgentEvent.Truncate(sent.Message.Content, AgentEntry.MaxOutputChars);
                    store.SaveAnswered(entry, entry.StoredAnswer, Now);
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>At start-up: runs a previous process left queued or running end failed, reason restart.</summary>
    public async Task MarkInterruptedAsync(CancellationToken cancellationToken)
    {
        var count = await store.MarkInterruptedAsync(Now, cancellationToken);
        if (count > 0)
        {
            SupervisorLog.Interrupted(logger, count);
        }
    }
}
