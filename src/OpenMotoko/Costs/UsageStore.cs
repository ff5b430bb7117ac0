using Dapper;
using Microsoft.Data.Sqlite;
using OpenMotoko.Storage;

namespace OpenMotoko.Costs;

/// <summary>One LLM call as stored: cost in USD millionths so sums are exact.</summary>
internal sealed record UsageRecord(string ConversationId, string Provider, string Model, long InputTokens, long OutputTokens,
    long CostMicros, bool PriceKnown, long CreatedAt);

internal sealed record UsageTotals(long CostMicros, long InputTokens, long OutputTokens);

internal sealed record UsageGroup(string Name, long CostMicros, long InputTokens, long OutputTokens);

/// <summary>Usage summed over a 15-minute slot; every time zone offset is a multiple of 15 minutes,
/// so a slot never straddles a local midnight.</summary>
internal sealed record UsageSlot(long Slot, long CostMicros, long InputTokens, long OutputTokens);

/// <summary>A budget alert to remember: the period it belongs to and the threshold in basis points.</summary>
internal sealed record BudgetAlertMark(string Period, long Threshold);

/// <summary>
/// The usage rows and the budget alerts already raised. Time ranges are [from, to) in ms. Rows are
/// deferred: they commit with the turn's message (or within <see cref="DeferredWrites.FlushDelay"/>),
/// and every read here flushes first, so totals always include every recorded call.
/// </summary>
internal sealed class UsageStore(Database database, ILogger<UsageStore> logger)
{
    public const long SlotMs = 15 * 60 * 1000;

    /// <summary>Records a call's usage and the budget alerts it crossed, stored together.</summary>
    public void Record(UsageRecord usage, IReadOnlyList<BudgetAlertMark> alerts) => database.Defer(new PendingUsage(usage, alerts, logger));

    private sealed class PendingUsage(UsageRecord usage, IReadOnlyList<BudgetAlertMark> alerts, ILogger logger) : IDeferredWrite
    {
        public void Write(SqliteConnection connection)
        {
            connection.Execute(
                """
                INSERT INTO llm_usage (conversation_id, provider, model, input_tokens, output_tokens, cost_micros, price_known, created_at)
                VALUES ($ConversationId, $Provider, $Model, $InputTokens, $OutputTokens, $CostMicros, $PriceKnown, $CreatedAt)
                """, usage);
            foreach (var alert in alerts)
            {
                connection.Execute(
                    "INSERT INTO budget_alerts (period, threshold, created_at) VALUES ($period, $threshold, $now) ON CONFLICT DO NOTHING",
                    new { period = alert.Period, threshold = alert.Threshold, now = usage.CreatedAt });
            }
        }

        public void Failed(Exception exception) => StorageLog.DeferredDropped(logger, "usage", exception);
    }

    public async Task<UsageTotals> TotalAsync(long from, long to, CancellationToken cancellationToken)
    {
        await database.FlushAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<UsageTotals>(
            """
            SELECT COALESCE(SUM(cost_micros), 0) AS CostMicros, COALESCE(SUM(input_tokens), 0) AS InputTokens,
                   COALESCE(SUM(output_tokens), 0) AS OutputTokens
            FROM llm_usage WHERE created_at >= $from AND created_at < $to
            """, new { from, to });
    }

    public async Task<List<UsageGroup>> ByProviderAsync(long from, long to, CancellationToken cancellationToken)
    {
        await database.FlushAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<UsageGroup>(
            """
            SELECT provider AS Name, SUM(cost_micros) AS CostMicros, SUM(input_tokens) AS InputTokens, SUM(output_tokens) AS OutputTokens
            FROM llm_usage WHERE created_at >= $from AND created_at < $to
            GROUP BY provider ORDER BY CostMicros DESC, Name
            """, new { from, to })];
    }

    public async Task<List<UsageGroup>> ByModelAsync(long from, long to, CancellationToken cancellationToken)
    {
        await database.FlushAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<UsageGroup>(
            """
            SELECT model AS Name, SUM(cost_micros) AS CostMicros, SUM(input_tokens) AS InputTokens, SUM(output_tokens) AS OutputTokens
            FROM llm_usage WHERE created_at >= $from AND created_at < $to
            GROUP BY model ORDER BY CostMicros DESC, Name
            """, new { from, to })];
    }

    public async Task<List<UsageSlot>> BySlotAsync(long from, long to, CancellationToken cancellationToken)
    {
        await database.FlushAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<UsageSlot>(
            """
            SELECT created_at / 900000 AS Slot, SUM(cost_micros) AS CostMicros, SUM(input_tokens) AS InputTokens, SUM(output_tokens) AS OutputTokens
            FROM llm_usage WHERE created_at >= $from AND created_at < $to
            GROUP BY created_at / 900000
            """, new { from, to })];
    }

    /// <summary>The thresholds (basis points) already alerted in a period.</summary>
    public async Task<List<long>> AlertedAsync(string period, CancellationToken cancellationToken)
    {
        await database.FlushAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<long>("SELECT threshold FROM budget_alerts WHERE period = $period", new { period })];
    }
}
