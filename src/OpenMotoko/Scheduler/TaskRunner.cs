using System.Collections.Concurrent;
using OpenMotoko.Conversations;
using OpenMotoko.Events;

namespace OpenMotoko.Scheduler;

/// <summary>
/// Runs tasks and keeps the running ones: one run per task, at most a given number at once, each
/// under its timeout and cancellable by deleting its task. Writes every run's start and end with the
/// task's new state (next due time, retry with backoff, one-shot disabled) and publishes
/// scheduler:started / completed / failed.
/// </summary>
internal sealed partial class TaskRunner(SchedulerStore store, TaskHandlers handlers, EventBus bus, TimeProvider time, ILogger<TaskRunner> logger)
{
    private sealed class Active(CancellationTokenSource cancel)
    {
        public CancellationTokenSource Cancel { get; } = cancel;
        public Task<TaskRun> Completion { get; set; } = null!;
    }

    private readonly ConcurrentDictionary<string, Active> _running = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Raised after a run ended, so the loop can start what waited for a slot.</summary>
    public event Action? Finished;

    public bool IsRunning(string taskId) => _running.ContainsKey(taskId);

    /// <summary>Starts a run now, or returns null when the task is running already or every slot is busy.</summary>
    public async Task<(TaskRun Run, Task<TaskRun> Completion)?> TryStartAsync(ScheduledTask task, string trigger, int maxConcurrent, CancellationToken cancellationToken)
    {
        var active = new Active(new CancellationTokenSource());
        lock (_gate)
        {
            if (_running.Count >= maxConcurrent || !_running.TryAdd(task.Id, active))
            {
                active.Cancel.Dispose();
                return null;
            }
        }
        var now = Now();
        var run = new TaskRun(ConversationStore.NewId(), task.Id, trigger, SchedulerNames.Running, now, null, null, null, null, null, 0);
        // A manual run leaves the schedule alone; any other run moves it on to the next occurrence after now.
        var state = trigger == SchedulerNames.Manual
            ? new TaskState(SchedulerNames.Running, task.Enabled, task.NextRunAt, task.NextTrigger, task.RetryCount, now)
            : new TaskState(SchedulerNames.Running, task.Enabled, TaskTiming.Next(task.Cron, null, task.Timezone, now), SchedulerNames.Schedule, task.RetryCount, now);
        try
        {
            if (!await store.SaveRunAsync(task.Id, run, state, insert: true, cancellationToken))
            {
                throw new InvalidOperationException("The task was deleted before its run started.");
            }
        }
        catch
        {
            _running.TryRemove(task.Id, out _);
            active.Cancel.Dispose();
            throw;
        }
        await bus.PublishAsync(new SchedulerStarted(Scope(null), task.Id, task.Name, run.Id, trigger));
        active.Completion = Task.Run(() => ExecuteAsync(task, run, active));
        return (run, active.Completion);
    }

    /// <summary>Records a due time that found the task still running as a skipped run, and moves on to the next.</summary>
    public async Task SkipAsync(ScheduledTask task, long now, CancellationToken cancellationToken)
    {
        var run = new TaskRun(ConversationStore.NewId(), task.Id, SchedulerNames.Schedule, SchedulerNames.Skipped, now, now, 0, null,
            "the previous run was still running", null, 0);
        var next = TaskTiming.Next(task.Cron, null, task.Timezone, now);
        var state = new TaskState(SchedulerNames.Running, task.Enabled, next, SchedulerNames.Schedule, task.RetryCount, task.LastRunAt);
        if (await store.SaveRunAsync(task.Id, run, state, insert: true, cancellationToken))
        {
            await bus.PublishAsync(new SchedulerFailed(Scope(null), task.Id, task.Name, run.Id, run.Status, run.Error, null));
        }
    }

    /// <summary>A due time missed for longer than the catch-up window: not run; a repeating task moves on, a one-shot is disabled.</summary>
    public Task PassOverAsync(ScheduledTask task, long now, CancellationToken cancellationToken)
    {
        var next = TaskTiming.Next(task.Cron, null, task.Timezone, now);
        var state = new TaskState(task.Status, task.Cron is not null && task.Enabled, next, SchedulerNames.Schedule, 0, task.LastRunAt);
        var run = new TaskRun(ConversationStore.NewId(), task.Id, SchedulerNames.CatchUp, SchedulerNames.Skipped, now, now, 0, null,
            "missed while the daemon was down, longer ago than scheduler.catchUpHours", null, 0);
        return store.SaveRunAsync(task.Id, run, state, insert: true, cancellationToken);
    }

    /// <summary>Cancels the task's run, if it has one (its task is being deleted).</summary>
    public void Cancel(string taskId)
    {
        if (_running.TryGetValue(taskId, out var active))
        {
            try
            {
                active.Cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // it ended between the lookup and the cancel
            }
        }
    }

    /// <summary>Cancels every run and waits (within the host's shutdown timeout) for each to store its end.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_running.Values.Select(a => a.Completion).Where(c => c is not null)).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the host's shutdown timeout won; an unfinished run is failed at the next start
        }
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static EventScope Scope(string? conversationId) => new(null, conversationId, Agent.TurnSources.Scheduler);
}
