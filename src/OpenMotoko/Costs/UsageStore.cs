using Dapper;
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

/// <summary>The usage rows and the budget alerts already raised. Time ranges are [from, to) in ms.</summary>
internal sealed class UsageStore(Database database)
{
    public const long SlotMs = 15 * 60 * 1000;

    /// <summary>Stores a usage row and the alerts it crossed in one transaction; returns the alerts that were new.</summary>
    public async Task<List<BudgetAlertMark>> RecordAsync(UsageRecord usage, IReadOnlyList<BudgetAlertMark> alerts, CancellationToken cancellationToken)
    {
        var fresh = new List<BudgetAlertMark>();
        // Relaxed like activity rows: the turn's next message commit flushes the WAL, this row included.
        await using var connection = await database.OpenRelaxedAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        await connection.ExecuteAsync(
            """
            INSERT INTO llm_usage (conversation_id, provider, model, input_tokens, output_tokens, cost_micros, price_known, created_at)
            VALUES ($ConversationId, $Provider, $Model, $InputTokens, $OutputTokens, $CostMicros, $PriceKnown, $CreatedAt)
            """, usage, transaction);
        foreach (var alert in alerts)
        {
            var added = await connection.ExecuteAsync(
                "INSERT INTO budget_alerts (period, threshold, created_at) VALUES ($period, $threshold, $now) ON CONFLICT DO NOTHING",
                new { period = alert.Period, threshold = alert.Threshold, now = usage.CreatedAt }, transaction);
            if (added == 1)
            {
                fresh.Add(alert);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return fresh;
    }

    public async Task<UsageTotals> TotalAsync(long from, long to, CancellationToken cancellationToken)
    {
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
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<long>("SELECT threshold FROM budget_alerts WHERE period = $period", new { period })];
    }
}
