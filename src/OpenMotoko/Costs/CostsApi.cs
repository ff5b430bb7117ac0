using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;

namespace OpenMotoko.Costs;

internal sealed record TodayCosts(decimal Total, Dictionary<string, decimal> ByProvider, Dictionary<string, decimal> ByModel);

internal sealed record CostDay(string Date, decimal Cost, long InputTokens, long OutputTokens);

internal sealed record CostShare(string Name, decimal Cost, long Tokens);

internal sealed record CostBreakdown(IReadOnlyList<CostShare> Providers, IReadOnlyList<CostShare> Models);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TodayCosts))]
[JsonSerializable(typeof(List<CostDay>))]
[JsonSerializable(typeof(CostBreakdown))]
internal sealed partial class CostsJsonContext : JsonSerializerContext;

/// <summary>What the LLM calls cost: today, per day, and split by provider and model, in the configured time zone.</summary>
internal static class CostsApi
{
    public static RouteGroupBuilder MapCosts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/costs");
        group.MapGet("/today", GetToday);
        group.MapGet("/history", GetHistory);
        group.MapGet("/breakdown", GetBreakdown);
        return group;
    }

    private static async Task<Ok<TodayCosts>> GetToday([FromServices] UsageStore store, [FromServices] CostCalendar calendar, CancellationToken cancellationToken)
    {
        var (from, to) = calendar.Day(calendar.DateOf(calendar.Now));
        var providers = await store.ByProviderAsync(from, to, cancellationToken);
        var models = await store.ByModelAsync(from, to, cancellationToken);
        return TypedResults.Ok(new TodayCosts(
            BudgetGuard.FromMicros(providers.Sum(p => p.CostMicros)),
            providers.ToDictionary(p => p.Name, p => BudgetGuard.FromMicros(p.CostMicros), StringComparer.Ordinal),
            models.ToDictionary(m => m.Name, m => BudgetGuard.FromMicros(m.CostMicros), StringComparer.Ordinal)));
    }

    private static async Task<Results<Ok<List<CostDay>>, JsonHttpResult<ApiError>>> GetHistory(
        string? days, [FromServices] UsageStore store, [FromServices] CostCalendar calendar, CancellationToken cancellationToken)
    {
        var count = 30;
        if (days is not null && (!int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > 365))
        {
            return ApiErrors.Validation([new ErrorDetail("query", "days", "days must be a whole number from 1 to 365")]);
        }
        var today = calendar.DateOf(calendar.Now);
        var first = today.AddDays(1 - count);
        var totals = new Dictionary<DateOnly, (long Cost, long Input, long Output)>();
        foreach (var slot in await store.BySlotAsync(calendar.StartOf(first), calendar.StartOf(today.AddDays(1)), cancellationToken))
        {
            var date = calendar.DateOf(DateTimeOffset.FromUnixTimeMilliseconds(slot.Slot * UsageStore.SlotMs));
            var sum = totals.GetValueOrDefault(date);
            totals[date] = (sum.Cost + slot.CostMicros, sum.Input + slot.InputTokens, sum.Output + slot.OutputTokens);
        }
        var result = new List<CostDay>(count);
        for (var date = first; date <= today; date = date.AddDays(1))
        {
            var sum = totals.GetValueOrDefault(date);
            result.Add(new CostDay(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), BudgetGuard.FromMicros(sum.Cost), sum.Input, sum.Output));
        }
        return TypedResults.Ok(result);
    }

    /// <summary>day = today, week = the last 7 days including today, month = this calendar month.</summary>
    private static async Task<Results<Ok<CostBreakdown>, JsonHttpResult<ApiError>>> GetBreakdown(
        string? period, [FromServices] UsageStore store, [FromServices] CostCalendar calendar, CancellationToken cancellationToken)
    {
        var today = calendar.DateOf(calendar.Now);
        (long From, long To)? range = period switch
        {
            "day" or null => calendar.Day(today),
            "week" => (calendar.StartOf(today.AddDays(-6)), calendar.StartOf(today.AddDays(1))),
            "month" => calendar.Month(today),
            _ => null,
        };
        if (range is not { } r)
        {
            return ApiErrors.Validation([new ErrorDetail("query", "period", "period must be day, week or month")]);
        }
        var providers = await store.ByProviderAsync(r.From, r.To, cancellationToken);
        var models = await store.ByModelAsync(r.From, r.To, cancellationToken);
        return TypedResults.Ok(new CostBreakdown([.. providers.Select(Share)], [.. models.Select(Share)]));
    }

    private static CostShare Share(UsageGroup group) =>
        new(group.Name, BudgetGuard.FromMicros(group.CostMicros), group.InputTokens + group.OutputTokens);
}
