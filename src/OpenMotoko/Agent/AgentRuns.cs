using System.Collections.Concurrent;
using OpenMotoko.Agent.Delegation;
using OpenMotoko.Conversations;
using OpenMotoko.Events;

namespace OpenMotoko.Agent;

/// <summary>
/// Starts agent runs in the background and keeps the running ones: one at a time per conversation,
/// cancellable by id, and cancelled on shutdown (each stores what it has before the host stops).
/// As a subscriber of the bus it hands each run the events its own stream shows. Only the
/// <see cref="TurnService"/> starts runs.
/// </summary>
internal sealed class AgentRuns : IHostedService, IEventSubscriber
{
    private readonly ConcurrentDictionary<string, AgentRun> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AgentRun> _byConversation = new(StringComparer.Ordinal);
    private readonly AgentLoop _loop;
    private readonly AgentSupervisor _supervisor;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stopping;

    public AgentRuns(AgentLoop loop, AgentSupervisor supervisor, TimeProvider time, IHostApplicationLifetime lifetime)
    {
        _loop = loop;
        _supervisor = supervisor;
        _time = time;
        _stopping = lifetime.ApplicationStopping;
        // Before Kestrel drains requests: an SSE response waiting on a run must not hold the shutdown.
        lifetime.ApplicationStopping.Register(CancelAll);
    }

    public IReadOnlyList<AgentRunInfo> Running => [.. _byId.Values.OrderBy(r => r.StartedAt).Select(r => r.Info)];

    public AgentRun? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Starts a run, or returns null when the conversation already has one.</summary>
    public AgentRun? TryStart(AgentRequest request)
    {
        var run = new AgentRun(request.Lineage?.Id ?? ConversationStore.NewId(), request.Conversation.Id, request.Source, _time.GetUtcNow().ToUnixTimeMilliseconds());
        if (!_byConversation.TryAdd(request.Conversation.Id, run))
        {
            run.Dispose();
            return null;
        }
        // Completion is set before the run starts, so shutdown never waits on a placeholder. The run
        // starts on the caller's thread (storing the message, up to the first provider I/O) rather
        // than waiting for a thread-pool hop; it goes on in the background from its first await.
        var start = new Task<Task<RunOutcome>>(() => RunAsync(run, request));
        run.Completion = start.Unwrap();
        _byId[run.Id] = run;
        _supervisor.Started(run, request);
        start.RunSynchronously(TaskScheduler.Default);
        if (_stopping.IsCancellationRequested)
        {
            Cancel(run); // started while the daemon shuts down: store the message, answer nothing
        }
        return run;
    }

    public ValueTask OnEventAsync(AgentEvent e)
    {
        if (e.Scope.RunId is { } id && RunStreamFormat.NameOf(e) is not null && _byId.TryGetValue(id, out var run))
        {
            run.Enqueue(e);
        }
        return ValueTask.CompletedTask;
    }

    private async Task<RunOutcome> RunAsync(AgentRun run, AgentRequest request)
    {
        RunOutcome? outcome = null;
        try
        {
            return outcome = await _loop.RunAsync(run, request);
        }
        finally
        {
            _byId.TryRemove(run.Id, out _);
            _byConversation.TryRemove(new KeyValuePair<string, AgentRun>(request.Conversation.Id, run));
            try
            {
                await _supervisor.EndedAsync(run, outcome); // stored, announced; its still-running children cancelled
            }
            finally
            {
                run.CompleteEvents();
                run.Dispose();
            }
        }
    }

    public bool Cancel(string id)
    {
        if (!_byId.TryGetValue(id, out var run))
        {
            return false;
        }
        Cancel(run);
        return true;
    }

    public void CancelConversation(string conversationId)
    {
        if (_byConversation.TryGetValue(conversationId, out var run))
        {
            Cancel(run);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Waits (within the host's shutdown timeout) for cancelled runs to store what they have.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        CancelAll();
        var pending = _byId.Values.Select(r => r.Completion).ToArray();
        try
        {
            await Task.WhenAll(pending).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the host's shutdown timeout won; the runs stop on their own
        }
    }

    private void CancelAll()
    {
        foreach (var run in _byId.Values)
        {
            Cancel(run);
        }
    }

    private static void Cancel(AgentRun run)
    {
        try
        {
            run.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // it finished between the lookup and the cancel
        }
    }
}
