using Dapper;
using Microsoft.Data.Sqlite;
using OpenMotoko.Storage;

namespace OpenMotoko.Agent.Delegation;

/// <summary>One row of agent_runs; money in USD millionths.</summary>
internal sealed record AgentRunRow(string Id, string? ParentId, string ConversationId, string? Name, string Task, string? Model, string Status,
    string? Reason, long Depth, long? BudgetMicros, long SpentMicros, long StartedAt, long? FinishedAt, string? Output)
{
    public static AgentRunRow From(AgentEntry entry) => new(entry.Id, entry.ParentId, entry.ConversationId, entry.Name, entry.Task, entry.Model,
        entry.CurrentStatus, entry.Reason, entry.Depth, entry.BudgetUsd is { } budget ? (long)(budget * 1_000_000m) : null,
        (long)(entry.SpentUsd * 1_000_000m), entry.StartedAt, entry.FinishedAt, entry.Output);

    public AgentRunView View() => new(Id, ParentId, ConversationId, Name, Task, Model, Status, Reason, (int)Depth,
        BudgetMicros is { } budget ? budget / 1_000_000m : null, SpentMicros / 1_000_000m, StartedAt, FinishedAt, Output);
}

/// <summary>
/// The agent_runs table. Rows are deferred writes (each rides with the run's next commit, or is
/// flushed within <see cref="DeferredWrites.FlushDelay"/>) and every read flushes first.
/// </summary>
internal sealed class AgentRunStore(Database database, ILogger<AgentRunStore> logger)
{
    private const string Columns =
        "id AS Id, parent_id AS ParentId, conversation_id AS ConversationId, name AS Name, task AS Task, model AS Model, status AS Status, " +
        "reason AS Reason, depth AS Depth, budget_micros AS BudgetMicros, spent_micros AS SpentMicros, started_at AS StartedAt, " +
        "finished_at AS FinishedAt, output AS Output";

    /// <summary>Stores the run as it is now (inserted, or replacing the row stored before).</summary>
    public void Save(AgentEntry entry) => database.Defer(new PendingRow(AgentRunRow.From(entry), logger));

    /// <summary>Stores the run as completed with <paramref name="answer"/>, before the run itself has ended.</summary>
    public void SaveAnswered(AgentEntry entry, string answer, long finishedAt) => database.Defer(new PendingRow(
        AgentRunRow.From(entry) with { Status = AgentStatus.Completed, Reason = null, Output = answer.Length == 0 ? null : answer, FinishedAt = finishedAt },
        logger));

    public async Task<AgentRunRow?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await database.FlushAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<AgentRunRow>($"SELECT {Columns} FROM agent_runs WHERE id = $id", new { id });
    }

    public async Task<List<AgentRunRow>> ChildrenAsync(string parentId, CancellationToken cancellationToken)
    {
        await database.FlushAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<AgentRunRow>(
            $"SELECT {Columns} FROM agent_runs WHERE parent_id = $parentId ORDER BY started_at, rowid LIMIT 1000", new { parentId })];
    }

    /// <summary>Runs that ended at or after <paramref name="since"/> (ms), newest first.</summary>
    public async Task<List<AgentRunRow>> EndedSinceAsync(long since, CancellationToken cancellationToken)
    {
        await database.FlushAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<AgentRunRow>(
            $"SELECT {Columns} FROM agent_runs WHERE finished_at >= $since ORDER BY started_at DESC, rowid DESC LIMIT 1000", new { since })];
    }

    /// <summary>At start-up: runs a previous process left queued or running were interrupted by its end.</summary>
    public async Task<int> MarkInterruptedAsync(long now, CancellationToken cancellationToken)
    {
        using var write = await database.BeginWriteAsync(cancellationToken);
        var count = write.Connection.Execute(
            """
            UPDATE agent_runs SET status = 'failed', reason = 'restart', finished_at = $now
            WHERE status IN ('queued', 'running', 'cancelling')
            """, new { now });
        write.Commit();
        return count;
    }

    private sealed class PendingRow(AgentRunRow row, ILogger logger) : IDeferredWrite
    {
        public void Write(SqliteConnection connection) => connection.Execute(
            """
            INSERT INTO agent_runs (id, parent_id, conversation_id, name, task, model, status, reason, depth, budget_micros, spent_micros,
                                    started_at, finished_at, output)
            VALUES ($Id, $ParentId, $ConversationId, $Name, $Task, $Model, $Status, $Reason, $Depth, $BudgetMicros, $SpentMicros,
                    $StartedAt, $FinishedAt, $Output)
            ON CONFLICT (id) DO UPDATE SET model = excluded.model, status = excluded.status, reason = excluded.reason,
                spent_micros = excluded.spent_micros, started_at = excluded.started_at, finished_at = excluded.finished_at, output = excluded.output
            """, row);

        public void Failed(Exception exception) => StorageLog.DeferredDropped(logger, "agent run", exception);
    }
}
