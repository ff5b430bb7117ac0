using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Scheduler;

/// <summary>
/// The changes the owner (over the API) and the agent (through the schedule skill) make to tasks,
/// in one place: each is validated by <see cref="TaskDefinition"/>, stored, and wakes the loop.
/// Failures are <see cref="ApiException"/>s with the envelope's status and code.
/// </summary>
internal sealed class ScheduledTasks(SchedulerStore store, SchedulerLoop loop, TaskRunner runner, SettingsStore settings, TimeProvider time)
{
    private string DefaultZone => DefaultZoneOf(settings);

    /// <summary>The zone a task gets when it names none: app.timezone, else UTC.</summary>
    public static string DefaultZoneOf(SettingsStore settings) =>
        settings.GetString(SettingsCatalog.TimeZone) is { Length: > 0 } zone ? zone : "UTC";

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<ScheduledTask> CreateAsync(TaskRequest request, CancellationToken cancellationToken)
    {
        var errors = new List<ErrorDetail>(request.Problems);
        var task = TaskDefinition.Build(null, request, DefaultZone, Now(), errors);
        if (task is null || errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }
        await store.InsertAsync(task, cancellationToken);
        loop.Wake();
        return task;
    }

    public async Task<ScheduledTask> UpdateAsync(string id, TaskRequest request, CancellationToken cancellationToken)
    {
        var current = await Find(id, cancellationToken);
        var errors = new List<ErrorDetail>(request.Problems);
        var task = TaskDefinition.Build(current, request, DefaultZone, Now(), errors);
        if (task is null || errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }
        if (!await store.UpdateAsync(task, cancellationToken))
        {
            throw NotFound(id);
        }
        loop.Wake();
        return await Find(id, cancellationToken);
    }

    /// <summary>Enables a disabled task (computing its next due time) or disables an enabled one.</summary>
    public async Task<ScheduledTask> ToggleAsync(string id, CancellationToken cancellationToken)
    {
        var current = await Find(id, cancellationToken);
        var now = Now();
        var enabled = !current.Enabled;
        var next = enabled ? TaskTiming.Next(current.Cron, current.RunAt, current.Timezone, now) : null;
        if (enabled && next is null)
        {
            throw ApiException.Validation("body", "runAt", "This one-time task's runAt has passed; set a new runAt with PUT to enable it again.");
        }
        var toggled = current with { Enabled = enabled, NextRunAt = next, NextTrigger = SchedulerNames.Schedule, RetryCount = 0, UpdatedAt = now };
        if (!await store.UpdateAsync(toggled, cancellationToken))
        {
            throw NotFound(id);
        }
        loop.Wake();
        return toggled;
    }

    /// <summary>Deletes the task and its runs, cancelling a running one.</summary>
    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        runner.Cancel(id);
        if (!await store.DeleteAsync(id, cancellationToken))
        {
            throw NotFound(id);
        }
        loop.Wake();
    }

    /// <summary>Starts a run now; 409 when the task is running already or every slot is busy.</summary>
    public async Task<(TaskRun Run, Task<TaskRun> Completion)> RunNowAsync(string id, CancellationToken cancellationToken)
    {
        var task = await Find(id, cancellationToken);
        return await runner.TryStartAsync(task, SchedulerNames.Manual, settings.GetInt32(SettingsCatalog.SchedulerMaxConcurrent), cancellationToken)
            ?? throw new ApiException(StatusCodes.Status409Conflict, ErrorCodes.Conflict, runner.IsRunning(id)
                ? "This task is running already; a task never runs twice at once."
                : "Every scheduler slot is busy (scheduler.maxConcurrent); try again when a run has finished.");
    }

    public async Task<ScheduledTask> Find(string id, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) ?? throw NotFound(id);

    public static ApiException NotFound(string id) => new(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"No scheduled task with id '{id}'.");
}
