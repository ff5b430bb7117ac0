using OpenMotoko.Conversations;
using OpenMotoko.Events;
using OpenMotoko.Settings;

namespace OpenMotoko.Scheduler;

/// <summary>
/// The one hosted loop that starts scheduled runs. It sleeps on the injected clock until the next
/// due time (no polling tick) and wakes early when a task changes or a run ends. A task never runs
/// twice at once (a due time that finds it running is recorded as skipped), and at most
/// scheduler.maxConcurrent runs go at once (a due task waits for a free slot).
/// </summary>
internal sealed partial class SchedulerLoop(SchedulerStore store, TaskRunner runner, SettingsStore settings, TimeProvider time, ILogger<SchedulerLoop> logger)
    : BackgroundService
{
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _startedAt;

    /// <summary>Makes the loop look at the tasks again (one was created, changed or deleted, or a run ended).</summary>
    public void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _startedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (await store.FailInterruptedAsync(_startedAt, cancellationToken) is > 0 and var interrupted)
        {
            SchedulerLog.Interrupted(logger, interrupted);
        }
        runner.Finished += Wake;
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = _wake.Task; // taken before looking, so a change made while looking is not missed
            long? nextDue;
            try
            {
                nextDue = await StartDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                SchedulerLog.LoopFailed(logger, ex);
                nextDue = time.GetUtcNow().AddMinutes(1).ToUnixTimeMilliseconds(); // a broken database is tried again, not spun on
            }
            await SleepAsync(wake, nextDue, stoppingToken);
        }
    }

    /// <summary>
    /// Starts (or skips) what is due; returns the next due time among the tasks that are not waiting
    /// for a slot, or now when it changed a task (its next due time is then read on the next pass).
    /// </summary>
    private async Task<long?> StartDueAsync(CancellationToken cancellationToken)
    {
        long? nextDue = null;
        var changed = false;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var task in await store.ScheduledAsync(cancellationToken))
        {
            if (task.NextRunAt > now)
            {
                nextDue = nextDue is { } soonest ? Math.Min(soonest, task.NextRunAt.Value) : task.NextRunAt;
                continue;
            }
            if (runner.IsRunning(task.Id))
            {
                await runner.SkipAsync(task, now, cancellationToken);
                changed = true;
                continue;
            }
            var trigger = TriggerFor(task);
            if (trigger == SchedulerNames.CatchUp && now - task.NextRunAt > (long)TimeSpan.FromHours(settings.GetInt32(SettingsCatalog.SchedulerCatchUpHours)).TotalMilliseconds)
            {
                SchedulerLog.MissedTooLong(logger, task.Id, task.Name);
                await runner.PassOverAsync(task, now, cancellationToken);
                changed = true;
                continue;
            }
            // Null when all slots are busy: the task stays due and a finished run wakes the loop.
            changed |= await runner.TryStartAsync(task, trigger, settings.GetInt32(SettingsCatalog.SchedulerMaxConcurrent), cancellationToken) is not null;
        }
        return changed ? now : nextDue;
    }

    /// <summary>A retry stays a retry; a due time missed while the daemon was down is a catch-up (run once, however many were missed).</summary>
    private string TriggerFor(ScheduledTask task) =>
        task.NextTrigger == SchedulerNames.Retry ? SchedulerNames.Retry
        : task.NextRunAt < _startedAt ? SchedulerNames.CatchUp
        : SchedulerNames.Schedule;

    private async Task SleepAsync(Task wake, long? nextDue, CancellationToken stoppingToken)
    {
        using var sleep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var waits = new List<Task> { wake };
        if (nextDue is { } due)
        {
            var delay = TimeSpan.FromMilliseconds(Math.Max(0, due - time.GetUtcNow().ToUnixTimeMilliseconds()));
            waits.Add(Task.Delay(delay, time, sleep.Token));
            // The clock may have moved between reading it and arming the timer: look again rather than sleep past the due time.
            if (time.GetUtcNow().ToUnixTimeMilliseconds() >= due)
            {
                return;
            }
        }
        waits.Add(Task.Delay(Timeout.InfiniteTimeSpan, sleep.Token));
        await Task.WhenAny(waits);
        await sleep.CancelAsync();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        runner.Finished -= Wake;
        await base.StopAsync(cancellationToken);
        await runner.StopAsync(cancellationToken);
    }
}
