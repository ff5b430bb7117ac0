using Dapper;
using OpenMotoko.Storage;

namespace OpenMotoko.Scheduler;

/// <summary>The state of a task that its runs change: what the loop writes when a run starts, is skipped or ends.</summary>
internal sealed record TaskState(string Status, bool Enabled, long? NextRunAt, string NextTrigger, int RetryCount, long? LastRunAt);

/// <summary>Scheduled tasks and their runs in SQLite.</summary>
internal sealed class SchedulerStore(Database database)
{
    private const string TaskColumns =
        "id AS Id, name AS Name, description AS Description, cron AS Cron, run_at AS RunAt, timezone AS Timezone, handler AS Handler, " +
        "payload AS PayloadJson, enabled AS Enabled, status AS Status, last_run_at AS LastRunAt, next_run_at AS NextRunAt, " +
        "next_trigger AS NextTrigger, retry_count AS RetryCount, max_retries AS MaxRetries, timeout_sec AS TimeoutSec, " +
        "created_at AS CreatedAt, updated_at AS UpdatedAt";

    private const string RunColumns =
        "id AS Id, task_id AS TaskId, trigger AS Trigger, status AS Status, started_at AS StartedAt, finished_at AS FinishedAt, " +
        "duration_ms AS DurationMs, output AS Output, error AS Error, conversation_id AS ConversationId, cost AS Cost";

    public async Task<TaskPage> ListAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM scheduled_tasks");
        ScheduledTask[] items = [.. await connection.QueryAsync<ScheduledTask>(
            $"SELECT {TaskColumns} FROM scheduled_tasks ORDER BY created_at DESC, rowid DESC LIMIT $limit OFFSET $offset", new { limit, offset })];
        return new TaskPage(items, total);
    }

    public async Task<ScheduledTask?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<ScheduledTask>($"SELECT {TaskColumns} FROM scheduled_tasks WHERE id = $id", new { id });
    }

    /// <summary>The enabled tasks that have a next due time, soonest first: what the loop waits for.</summary>
    public async Task<IReadOnlyList<ScheduledTask>> ScheduledAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<ScheduledTask>(
            $"SELECT {TaskColumns} FROM scheduled_tasks WHERE enabled = 1 AND next_run_at IS NOT NULL ORDER BY next_run_at, rowid")];
    }

    public async Task InsertAsync(ScheduledTask task, CancellationToken cancellationToken)
    {
        using var write = await database.BeginWriteAsync(cancellationToken);
        write.Connection.Execute(
            """
            INSERT INTO scheduled_tasks (id, name, description, cron, run_at, timezone, handler, payload, enabled, status, last_run_at,
                next_run_at, next_trigger, retry_count, max_retries, timeout_sec, created_at, updated_at)
            VALUES ($Id, $Name, $Description, $Cron, $RunAt, $Timezone, $Handler, $PayloadJson, $Enabled, $Status, $LastRunAt,
                $NextRunAt, $NextTrigger, $RetryCount, $MaxRetries, $TimeoutSec, $CreatedAt, $UpdatedAt)
            """, task);
        write.Commit();
    }

    /// <summary>Writes what the owner can change (definition, enabled, next due time); false when the task is gone.</summary>
    public async Task<bool> UpdateAsync(ScheduledTask task, CancellationToken cancellationToken)
    {
        using var write = await database.BeginWriteAsync(cancellationToken);
        var rows = write.Connection.Execute(
            """
            UPDATE scheduled_tasks SET name = $Name, description = $Description, cron = $Cron, run_at = $RunAt, timezone = $Timezone,
                handler = $Handler, payload = $PayloadJson, enabled = $Enabled, next_run_at = $NextRunAt, next_trigger = $NextTrigger,
                retry_count = $RetryCount, max_retries = $MaxRetries, timeout_sec = $TimeoutSec, updated_at = $UpdatedAt
            WHERE id = $Id
            """, task);
        write.Commit();
        return rows > 0;
    }

    /// <summary>Deletes the task and its runs; false when it did not exist.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        using var write = await database.BeginWriteAsync(cancellationToken);
        write.Connection.Execute("DELETE FROM scheduled_runs WHERE task_id = $id", new { id });
        var rows = write.Connection.Execute("DELETE FROM scheduled_tasks WHERE id = $id", new { id });
        write.Commit();
        return rows > 0;
    }

    /// <summary>Stores a run (started, or already finished when skipped) and the task's new state in one transaction.</summary>
    public async Task<bool> SaveRunAsync(string taskId, TaskRun run, TaskState state, bool insert, CancellationToken cancellationToken)
    {
        using var write = await database.BeginWriteAsync(cancellationToken);
        var rows = write.Connection.Execute(
            """
            UPDATE scheduled_tasks SET status = $Status, enabled = $Enabled, next_run_at = $NextRunAt, next_trigger = $NextTrigger,
                retry_count = $RetryCount, last_run_at = $LastRunAt
            WHERE id = $taskId
            """, new { taskId, state.Status, state.Enabled, state.NextRunAt, state.NextTrigger, state.RetryCount, state.LastRunAt });
        // Two call sites, not one with a chosen text: each keeps its prepared command on the writer,
        // and a command kept for one statement must never be handed the other's parameters.
        if (rows > 0 && insert)
        {
            write.Connection.Execute(
                """
                INSERT INTO scheduled_runs (id, task_id, trigger, status, started_at, finished_at, duration_ms, output, error, conversation_id, cost)
                VALUES ($Id, $TaskId, $Trigger, $Status, $StartedAt, $FinishedAt, $DurationMs, $Output, $Error, $ConversationId, $Cost)
                """, run);
        }
        else if (rows > 0)
        {
            write.Connection.Execute(
                """
                UPDATE scheduled_runs SET status = $Status, finished_at = $FinishedAt, duration_ms = $DurationMs, output = $Output,
                    error = $Error, conversation_id = $ConversationId, cost = $Cost
                WHERE id = $Id
                """, run);
        }
        write.Commit();
        return rows > 0;
    }

    public async Task<RunPage> RunsAsync(string taskId, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM scheduled_runs WHERE task_id = $taskId", new { taskId });
        TaskRun[] items = [.. await connection.QueryAsync<TaskRun>(
            $"SELECT {RunColumns} FROM scheduled_runs WHERE task_id = $taskId ORDER BY started_at DESC, rowid DESC LIMIT $limit OFFSET $offset",
            new { taskId, limit, offset })];
        return new RunPage(items, total);
    }

    /// <summary>Runs a crash left running are failed, and their tasks with them; returns how many.</summary>
    public async Task<int> FailInterruptedAsync(long now, CancellationToken cancellationToken)
    {
        using var write = await database.BeginWriteAsync(cancellationToken);
        var rows = write.Connection.Execute(
            """
            UPDATE scheduled_runs SET status = 'failed', error = 'interrupted by restart', finished_at = $now, duration_ms = $now - started_at
            WHERE status = 'running'
            """, new { now });
        write.Connection.Execute("UPDATE scheduled_tasks SET status = 'failed' WHERE status = 'running'");
        write.Commit();
        return rows;
    }
}
