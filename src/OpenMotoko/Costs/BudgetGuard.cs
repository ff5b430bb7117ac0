using System.Globalization;
using OpenMotoko.Events;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;
using OpenMotoko.Settings;

namespace OpenMotoko.Costs;

/// <summary>
/// Guards and counts every LLM call. Before a call it refuses when today's or this month's spend
/// (with what calls in flight have reserved) has reached its limit, and otherwise reserves the
/// call's estimated cost until it ends, so concurrent calls cannot overshoot a limit by more than one
/// call. After a call (<see cref="LlmCompleted"/> on the bus) it records the usage, then publishes
/// <see cref="CostUpdated"/> and, once per threshold and period, <see cref="BudgetAlert"/>. Spend
/// is cached in memory and reloaded only when the day, month or time zone changes.
/// </summary>
internal sealed class BudgetGuard(UsageStore store, CostCalendar calendar, SettingsStore settings,
    EventBus bus, ILogger<BudgetGuard> logger) : ILlmCallGate, IEventSubscriber
{
    /// <summary>The spend of the current day and month; <see cref="Alerted"/> is never changed once the record is published.</summary>
    private sealed record Spend(TimeZoneInfo Zone, DateOnly Date, long Day, long Month, HashSet<string> Alerted);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _reserving = new();
    private Spend? _spend;
    private long _reserved; // USD millionths held by calls in flight

    public async ValueTask<IDisposable?> BeforeCallAsync(LlmCall call, CancellationToken cancellationToken)
    {
        var spend = await CurrentAsync(calendar.Now, cancellationToken);
        var budget = settings.Budget;
        if (budget.Daily <= 0 && budget.Monthly <= 0)
        {
            return null;
        }
        var estimate = ToMicros(PricingTable.Price(call.Provider, call.Model, call.EstimateInputTokens(), call.MaxOutputTokens).Cost);
        lock (_reserving)
        {
            // Checked and reserved as one step: a burst of calls sees each other's reservations.
            if (budget.Daily > 0 && spend.Day + _reserved >= ToMicros(budget.Daily))
            {
                throw Refuse(call, $"Daily budget of {Usd(budget.Daily)} reached ({Usd(spend.Day)} spent today{InFlight()}).");
            }
            if (budget.Monthly > 0 && spend.Month + _reserved >= ToMicros(budget.Monthly))
            {
                throw Refuse(call, $"Monthly budget of {Usd(budget.Monthly)} reached ({Usd(spend.Month)} spent this month{InFlight()}).");
            }
            _reserved += estimate;
        }
        return new Reservation(this, estimate);
    }

    private string InFlight() => _reserved > 0 ? $", {Usd(_reserved)} held by calls in flight" : "";

    /// <summary>Held from the gate until the call ends; its usage has been recorded by then.</summary>
    private sealed class Reservation(BudgetGuard guard, long micros) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                lock (guard._reserving)
                {
                    guard._reserved -= micros;
                }
            }
        }
    }

    public ValueTask OnEventAsync(AgentEvent e) => e is LlmCompleted call ? RecordAsync(call) : ValueTask.CompletedTask;

    private async ValueTask RecordAsync(LlmCompleted call)
    {
        var now = calendar.Now;
        var micros = ToMicros(call.Cost);
        var conversationId = call.Scope.ConversationId ?? "";
        var usage = new UsageRecord(conversationId, call.Provider, call.Model, call.InputTokens, call.OutputTokens, micros, call.PriceKnown, now.ToUnixTimeMilliseconds());
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
            if (fresh.Count > 0)
            {
                var alerted = new HashSet<string>(after.Alerted, StringComparer.Ordinal);
                fresh.ForEach(mark => alerted.Add(Key(mark)));
                after = after with { Alerted = alerted };
            }
            Volatile.Write(ref _spend, after);
        }
        finally
        {
            _gate.Release();
        }

        var scope = new EventScope(call.Scope.RunId, call.Scope.ConversationId, null);
        await bus.PublishAsync(new CostUpdated(scope, call.Provider, call.Model, call.InputTokens, call.OutputTokens, FromMicros(micros),
            call.PriceKnown, FromMicros(after.Day), FromMicros(after.Month)));
        foreach (var alert in fresh)
        {
            var daily = alert.Period.StartsWith("day:", StringComparison.Ordinal);
            var limit = daily ? budget.Daily : budget.Monthly;
            CostsLog.BudgetAlert(logger, alert.Period, alert.Threshold / 100.0);
            await bus.PublishAsync(new BudgetAlert(scope, daily ? "day" : "month",
                alert.Period[(alert.Period.IndexOf(':', StringComparison.Ordinal) + 1)..], alert.Threshold / 10_000m, (decimal)limit,
                FromMicros(daily ? after.Day : after.Month),
                $"{(daily ? "Daily" : "Monthly")} spend {Usd(daily ? after.Day : after.Month)} has reached {alert.Threshold / 100m:0.##}% of the {Usd(limit)} budget."));
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
        var alerted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var period in new[] { CostCalendar.DayKey(date), CostCalendar.MonthKey(date) })
        {
            foreach (var threshold in await store.AlertedAsync(period, cancellationToken))
            {
                alerted.Add(Key(new BudgetAlertMark(period, threshold)));
            }
        }
        var spend = new Spend(zone, date, day.CostMicros, month.CostMicros, alerted);
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

    private ApiException Refuse(LlmCall call, string message)
    {
        CostsLog.BudgetRefused(logger, call.Provider, call.Model, message);
        return new ApiException(StatusCodes.Status429TooManyRequests, ErrorCodes.BudgetExceeded, message);
    }

    private static string Key(BudgetAlertMark mark) => $"{mark.Period}@{mark.Threshold}";

    private static long ToMicros(double usd) => (long)Math.Round(usd * 1_000_000);

    private static long ToMicros(decimal usd) => (long)decimal.Round(usd * 1_000_000m, MidpointRounding.AwayFromZero);

    internal static decimal FromMicros(long micros) => micros / 1_000_000m;

    private static string Usd(long micros) => Usd(FromMicros(micros));

    private static string Usd(double usd) => Usd((decimal)usd);

    private static string Usd(decimal usd) => "$" + usd.ToString("0.00####", CultureInfo.InvariantCulture);
}
