using OpenMotoko.Events;

namespace OpenMotoko.Scheduler;

internal sealed partial class TaskRunner
{
    private async Task<TaskRun> ExecuteAsync(ScheduledTask task, TaskRun run, Active active)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(task.TimeoutSec), time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, active.Cancel.Token, _stopping.Token);
            HandlerResult result;
            try
            {
                result = await handlers.RunAsync(task, linked.Token);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                result = new HandlerResult(SchedulerNames.Failed, null, "cancelled", null, 0, false);
            }
            catch (Exception ex)
            {
                SchedulerLog.HandlerFailed(logger, task.Id, task.Handler, ex);
                result = new HandlerResult(SchedulerNames.Failed, null, ex.Message, null, 0, true);
            }
            // Why the run was stopped outranks how the handler saw it end (a cancelled turn).
            if (result.Status != SchedulerNames.Succeeded)
            {
                if (timeout.IsCancellationRequested)
                {
                    result = result with { Status = SchedulerNames.Failed, Error = $"timed out after {task.TimeoutSec} s", Retryable = true };
                }
                else if (active.Cancel.IsCancellationRequested || _stopping.IsCancellationRequested)
                {
                    var why = active.Cancel.IsCancellationRequested ? "the task was deleted" : "the daemon stopped";
                    result = result with { Status = SchedulerNames.Cancelled, Error = $"cancelled: {why}", Retryable = false };
                }
            }
            return await FinishAsync(task, run, result);
        }
        finally
        {
            _running.TryRemove(new KeyValuePair<string, Active>(task.Id, active));
            active.Cancel.Dispose();
            Finished?.Invoke();
        }
    }

    /// <summary>Stores the run's end and the task's next state: a retry with backoff, the next occurrence, or a one-shot disabled.</summary>
    private async Task<TaskRun> FinishAsync(ScheduledTask task, TaskRun run, HandlerResult result)
    {
        var now = Now();
        var finished = run with
        {
            Status = result.Status, FinishedAt = now, DurationMs = now - run.StartedAt, Output = result.Output, Error = result.Error,
            ConversationId = result.ConversationId, Cost = result.Cost,
        };
        long? retryAt = null;
        if (await store.GetAsync(task.Id, CancellationToken.None) is { } current)
        {
            var failed = result.Status != SchedulerNames.Succeeded;
            TaskState state;
            if (failed && result.Retryable && current.RetryCount < current.MaxRetries)
            {
                retryAt = now + (long)TaskTiming.RetryDelay(current.RetryCount + 1).TotalMilliseconds;
                state = new TaskState(SchedulerNames.Failed, current.Enabled, retryAt, SchedulerNames.Retry, current.RetryCount + 1, run.StartedAt);
            }
            else
            {
                // A reminder runs once: after its scheduled run (and any retries) it is disabled.
                var oneShotDone = current.Cron is null && run.Trigger != SchedulerNames.Manual;
                state = new TaskState(failed ? SchedulerNames.Failed : SchedulerNames.Idle, current.Enabled && !oneShotDone,
                    oneShotDone ? null : current.NextRunAt, current.NextTrigger, 0, run.StartedAt);
            }
            await store.SaveRunAsync(task.Id, finished, state, insert: false, CancellationToken.None);
        }
        var scope = Scope(finished.ConversationId);
        await bus.PublishAsync(result.Status == SchedulerNames.Succeeded
            ? new SchedulerCompleted(scope, task.Id, task.Name, run.Id, finished.DurationMs ?? 0, finished.Cost)
            : new SchedulerFailed(scope, task.Id, task.Name, run.Id, finished.Status, finished.Error, retryAt));
        return finished;
    }
}
