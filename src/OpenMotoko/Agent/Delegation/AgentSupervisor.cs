using System.Collections.Concurrent;
using OpenMotoko.Conversations;
using OpenMotoko.Events;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Agent.Delegation;

/// <summary>
/// Knows every run while it is queued or running, top-level and sub-agent, and stores each in
/// agent_runs as it starts and ends. Sub-agents start through the <see cref="TurnService"/> (source
/// <c>agent</c>) when their parent has a free slot: at most agents.maxConcurrent running children
/// per parent, the rest queued. The cap is per parent, not global, so a parent waiting on its
/// children never holds a slot its own children need: a child only waits for its siblings, which
/// run or end on their own, so the tree cannot deadlock. When a run ends its children that still
/// run are cancelled (nobody is left to collect them).
/// </summary>
internal sealed partial class AgentSupervisor(AgentRunStore store, EventBus bus, SettingsStore settings, TimeProvider time,
    IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<AgentSupervisor> logger) : IEventSubscriber
{
    /// <summary>The most of a task (the first message of a run) kept for the list.</summary>
    public const int MaxTaskChars = 20_000;

    private readonly ConcurrentDictionary<string, AgentEntry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AgentEntry> _byConversation = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<AgentEntry>> _queues = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public AgentEntry? Find(string id) => _entries.GetValueOrDefault(id);

    /// <summary>The running run of a conversation, for the budget gate.</summary>
    public AgentEntry? ForConversation(string conversationId) => _byConversation.GetValueOrDefault(conversationId);

    public IReadOnlyList<AgentEntry> Entries => [.. _entries.Values];

    public IEnumerable<AgentEntry> ChildrenOf(string id) => _entries.Values.Where(e => e.ParentId == id);

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Called by <see cref="AgentRuns"/> before a run's first step.</summary>
    public void Started(AgentRun run, AgentRequest request)
    {
        AgentEntry entry;
        lock (_lock)
        {
            if (request.Lineage is not { } lineage || !_entries.TryGetValue(lineage.Id, out entry!))
            {
                entry = new AgentEntry(run.Id, null, run.ConversationId, null, AgentEvent.Truncate(request.Content, MaxTaskChars), null, 0, null, null, run.StartedAt);
                _entries[run.Id] = entry;
            }
            entry.Status = AgentStatus.Running;
            entry.Run = run;
            entry.Model = request.Choice.Qualified;
            entry.StartedAt = run.StartedAt;
            _byConversation[run.ConversationId] = entry;
        }
        store.Save(entry);
        if (entry.CancelRequested)
        {
            CancelRun(run); // cancelled between leaving the queue and starting
        }
    }

    /// <summary>Called by <see cref="AgentRuns"/> once a run has stored its outcome.</summary>
    public async Task EndedAsync(AgentRun run, RunOutcome? outcome)
    {
        if (!_entries.TryGetValue(run.Id, out var entry))
        {
            return;
        }
        var failure = outcome?.Failure;
        var restart = failure?.Code == ErrorCodes.Cancelled && !entry.CancelRequested && lifetime.ApplicationStopping.IsCancellationRequested;
        lock (_lock)
        {
            entry.Status = failure is null ? AgentStatus.Completed
                : failure.Code == ErrorCodes.Cancelled && !restart ? AgentStatus.Cancelled : AgentStatus.Failed;
            entry.Reason = failure is null ? null
                : restart ? AgentReasons.Restart
                : failure.Code == ErrorCodes.Cancelled ? AgentReasons.Cancelled
                : failure.Code == ErrorCodes.BudgetExceeded ? AgentReasons.Budget : AgentReasons.Error;
            entry.Error = failure?.Message;
            var content = outcome?.Message?.Content;
            entry.Output = string.IsNullOrEmpty(content) ? null : AgentEvent.Truncate(content, AgentEntry.MaxOutputChars);
            entry.FinishedAt = Now;
            entry.Run = null;
            _byConversation.TryRemove(new KeyValuePair<string, AgentEntry>(run.ConversationId, entry));
        }
        await FinishAsync(entry);
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return; // every run is being stopped already; each ends failed, reason restart
        }
        foreach (var orphan in ChildrenOf(entry.Id).Where(c => AgentStatus.IsLive(c.Status)).ToList())
        {
            await CancelTreeAsync(orphan.Id);
        }
    }

    /// <summary>Stores an ended run, tells whoever waits, announces a sub-agent's end and frees its slot.</summary>
    private async Task FinishAsync(AgentEntry entry)
    {
        if (entry.Status != AgentStatus.Completed || entry.StoredAnswer != entry.Output)
        {
            store.Save(entry);
        }
        entry.Ended.TrySetResult();
        lock (_lock)
        {
            foreach (var child in ChildrenOf(entry.Id).Where(c => !AgentStatus.IsLive(c.Status)).ToList())
            {
                _entries.TryRemove(child.Id, out _); // stored; nobody is left to wait on it
            }
            if (entry.ParentId is null || !_entries.TryGetValue(entry.ParentId, out var parent) || !AgentStatus.IsLive(parent.Status))
            {
                _entries.TryRemove(entry.Id, out _);
                _queues.Remove(entry.Id);
            }
        }
        if (entry.ParentId is not { } parentId)
        {
            return;
        }
        var scope = new EventScope(entry.Id, entry.ConversationId, TurnSources.Agent);
        await bus.PublishAsync(entry.Status == AgentStatus.Completed
            ? new AgentCompleted(scope, entry.Id, parentId, entry.SpentUsd, entry.Output ?? "")
            : new AgentFailed(scope, entry.Id, parentId, entry.Status, entry.Reason ?? AgentReasons.Error, entry.Error, entry.SpentUsd));
        await PumpAsync(parentId);
    }
}
