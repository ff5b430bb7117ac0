using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using OpenMotoko.Agent;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Costs;

/// <summary>
/// Watches every LLM call: refuses one when today's or this month's spend has reached its limit, and
/// records each finished call's usage, then reports cost:updated and (once per threshold and period)
/// budget:alert. Spend is cached in memory and reloaded only when the day, month or time zone changes.
/// </summary>
internal sealed class BudgetGuard(UsageStore store, CostCalendar calendar, SettingsStore settings,
    AgentActivity activity, ILogger<BudgetGuard> logger) : ILlmCallObserver
{
    private sealed record Spend(TimeZoneInfo Zone, DateOnly Date, long Day, long Month, ImmutableHashSet<string> Alerted);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Spend? _spend;

    public async ValueTask BeforeCallAsync(LlmCall call, CancellationToken cancellationToken)
    {
        var spend = await CurrentAsync(calendar.Now, cancellationToken);
        var budget = settings.Budget;
        if (budget.Daily > 0 && spend.Day >= ToMicros(budget.Daily))
        {
            throw Refuse(call, $"Daily budget of {Usd(budget.Daily)} reached ({Usd(spend.Day)} spent today).");
        }
        if (budget.Monthly > 0 && spend.Month >= ToMicros(budget.Monthly))
        {
            throw Refuse(call, $"Monthly budget of {Usd(budget.Monthly)} reached ({Usd(spend.Month)} spent this month).");
        }
    }

    public async ValueTask AfterCallAsync(LlmCall call, long inputTokens, long outputTokens, decimal cost, bool priceKnown, CancellationToken cancellationToken)
    {
        // The call has been paid for even if the person went away, so it is recorded regardless of cancellation.
        var now = calendar.Now;
        var micros = (long)decimal.Round(cost * 1_000_000m, MidpointRounding.AwayFromZero);
        var usage = new UsageRecord(call.ConversationId, call.Provider, call.Model, inputTokens, outputTokens, micros, priceKnown, now.ToUnixTimeMilliseconds());
        var budget = settings.Budget;
        Spend after;
        List<BudgetAlertMark> fresh;
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            // The cached spend knows every alert already raised in its periods, so the ones crossed now are new.
            var before = await LoadLockedAsync(now, CancellationToken.None);
            after = before with { Day = before.Day + micros, Month = before.Month + micros };
            fresh = Crossed(budget, after);
            store.Record(usage, fresh);
            _spend = after with { Alerted = after.Alerted.Union(fresh.Select(Key)) };
        }
        finally
        {
            _gate.Release();
        }

        await activity.PublishAsync("cost:updated", call.ConversationId, null, null, new JsonObject
        {
            ["provider"] = call.Provider,
            ["model"] = call.Model,
            ["inputTokens"] = inputTokens,
            ["outputTokens"] = outputTokens,
            ["cost"] = FromMicros(micros),
            ["priceKnown"] = priceKnown,
            ["todayTotal"] = FromMicros(after.Day),
            ["monthTotal"] = FromMicros(after.Month),
        });
        foreach (var alert in fresh)
        {
            var daily = alert.Period.StartsWith("day:", StringComparison.Ordinal);
            var limit = daily ? budget.Daily : budget.Monthly;
            CostsLog.BudgetAlert(logger, alert.Period, alert.Threshold / 100.0);
            await activity.PublishAsync("budget:alert", call.ConversationId, null, null, new JsonObject
            {
                ["period"] = daily ? "day" : "month",
                ["key"] = alert.Period[(alert.Period.IndexOf(':', StringComparison.Ordinal) + 1)..],
                ["threshold"] = alert.Threshold / 10_000m,
                ["limit"] = (decimal)limit,
                ["spent"] = FromMicros(daily ? after.Day : after.Month),
                ["message"] = $"{(daily ? "Daily" : "Monthly")} spend {Usd(daily ? after.Day : after.Month)} has reached {alert.Threshold / 100m:0.##}% of the {Usd(limit)} budget.",
            });
        }
    }

    /// <summary>Today's and this month's spend in USD millionths, as the guard sees it.</summary>
    public async Task<(long Day, long Month)> SpendAsync(CancellationToken cancellationToken)
    {
        var spend = await CurrentAsync(calendar.Now, cancellationToken);
        return (spend.Day, spend.Month);
    }

    private async ValueTask<Spend> CurrentAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var spend = Volatile.Read(ref _spend);
        if (spend is not null && IsCurrent(spend, now))
        {
            return spend;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await LoadLockedAsync(now, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool IsCurrent(Spend spend, DateTimeOffset now) => ReferenceEquals(spend.Zone, calendar.Zone) && spend.Date == calendar.DateOf(now);

    /// <summary>The cached spend, reloaded from the database when the period or zone changed. Caller holds the gate.</summary>
    private async Task<Spend> LoadLockedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_spend is { } cached && IsCurrent(cached, now))
        {
            return cached;
        }
        var zone = calendar.Zone;
        var date = calendar.DateOf(now);
        var (dayFrom, dayTo) = calendar.Day(date);
        var (monthFrom, monthTo) = calendar.Month(date);
        var day = await store.TotalAsync(dayFrom, dayTo, cancellationToken);
        var month = await store.TotalAsync(monthFrom, monthTo, cancellationToken);
        var alerted = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var period in new[] { CostCalendar.DayKey(date), CostCalendar.MonthKey(date) })
        {
            foreach (var threshold in await store.AlertedAsync(period, cancellationToken))
            {
                alerted.Add(Key(new BudgetAlertMark(period, threshold)));
            }
        }
        var spend = new Spend(zone, date, day.CostMicros, month.CostMicros, alerted.ToImmutable());
        Volatile.Write(ref _spend, spend);
        return spend;
    }

    private static List<BudgetAlertMark> Crossed(BudgetSettings budget, Spend spend)
    {
        var crossed = new List<BudgetAlertMark>();
        foreach (var (period, limit, spent) in new[] { (CostCalendar.DayKey(spend.Date), budget.Daily, spend.Day), (CostCalendar.MonthKey(spend.Date), budget.Monthly, spend.Month) })
        {
            if (limit <= 0)
            {
                continue;
            }
            foreach (var fraction in budget.AlertThresholds)
            {
                var mark = new BudgetAlertMark(period, (long)Math.Round(fraction * 10_000));
                if (spent >= (long)Math.Round(fraction * limit * 1_000_000) && !spend.Alerted.Contains(Key(mark)))
                {
                    crossed.Add(mark);
                }
            }
        }
        return crossed;
    }

    private AgentStopException Refuse(LlmCall call, string message)
    {
        CostsLog.BudgetRefused(logger, call.Provider, call.Model, message);
        return new AgentStopException(StatusCodes.Status429TooManyRequests, ErrorCodes.BudgetExceeded, message);
    }

    private static string Key(BudgetAlertMark mark) => $"{mark.Period}@{mark.Threshold}";

    private static long ToMicros(double usd) => (long)Math.Round(usd * 1_000_000);

    internal static decimal FromMicros(long micros) => micros / 1_000_000m;

    private static string Usd(long micros) => Usd(FromMicros(micros));

    private static string Usd(double usd) => Usd((decimal)usd);

    private static string Usd(decimal usd) => "$" + usd.ToString("0.00####", CultureInfo.InvariantCulture);
}
