using OpenMotoko.Events;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Agent;
using static OpenMotoko.Tests.Costs.CostTestKit;

namespace OpenMotoko.Tests.Costs;

public sealed class BudgetGuardTests
{
    // 1234 input + 567 output tokens on claude-sonnet-4-5 at $3/$15 per MTok = $0.012207.
    private static Task SonnetAsync(TestApp app) => CallAsync(app, "anthropic", "claude-sonnet-4-5", 1234, 567);

    // 100 000 input tokens on gpt-4o at $2.50 per MTok = $0.25.
    private static Task QuarterAsync(TestApp app) => CallAsync(app, "openai", "gpt-4o", 100_000, 0);

    private static async Task<TestApp> StartAsync(object budget)
    {
        var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        await PutAsync(client, "/api/settings", new Dictionary<string, string> { ["app.timezone"] = "UTC" });
        await PutAsync(client, "/api/settings/budget", budget);
        return app;
    }

    [Fact]
    public async Task The_daily_limit_refuses_calls_until_the_next_day()
    {
        await using var app = await StartAsync(new { daily = 0.02, monthly = 0 });

        await SonnetAsync(app);
        await SonnetAsync(app); // $0.012207 spent is under the limit, so this one runs

        var refused = await RefusedAsync(app);
        Assert.Equal(429, refused.StatusCode);
        Assert.Equal("BUDGET_EXCEEDED", refused.Code);
        Assert.Equal("Daily budget of $0.02 reached ($0.024414 spent today).", refused.Message);
        Assert.Equal(2, ReadColumn(app, "SELECT id FROM llm_usage").Count); // the refused call was never recorded

        await app.RestartAsync();
        Assert.Equal("Daily budget of $0.02 reached ($0.024414 spent today).", (await RefusedAsync(app)).Message);

        AdvanceTo(app, "2026-11-29T00:00:00Z");
        await SonnetAsync(app);
    }

    [Fact]
    public async Task The_monthly_limit_refuses_calls_until_the_next_month()
    {
        await using var app = await StartAsync(new { daily = 0, monthly = 0.5 });

        await QuarterAsync(app);
        await QuarterAsync(app);
        Assert.Equal("Monthly budget of $0.50 reached ($0.50 spent this month).", (await RefusedAsync(app)).Message);

        AdvanceTo(app, "2026-11-30T23:59:59Z");
        Assert.Equal("BUDGET_EXCEEDED", (await RefusedAsync(app)).Code);

        AdvanceTo(app, "2026-12-01T00:00:00Z");
        await QuarterAsync(app);
    }

    [Fact]
    public async Task A_limit_of_zero_means_no_limit()
    {
        await using var app = await StartAsync(new { daily = 0, monthly = 0 });

        await CallAsync(app, "anthropic", "claude-opus-4-1", 1_000_000, 1_000_000); // $90
        await CallAsync(app, "anthropic", "claude-opus-4-1", 1_000_000, 1_000_000);
        await SonnetAsync(app);

        Assert.Equal(3, ReadColumn(app, "SELECT id FROM llm_usage").Count);
    }

    [Fact]
    public async Task Raising_the_limit_lets_calls_through_again()
    {
        await using var app = await StartAsync(new { daily = 0.25, monthly = 0 });
        await QuarterAsync(app);
        await RefusedAsync(app);

        using var client = await app.LoginClientAsync();
        await PutAsync(client, "/api/settings/budget", new { daily = 1 });
        await QuarterAsync(app);
    }

    [Fact]
    public async Task Each_threshold_alerts_once_per_period_even_across_a_restart()
    {
        await using var app = await StartAsync(new { daily = 1, monthly = 2, alertThresholds = new[] { 0.5 } });

        await QuarterAsync(app);
        Assert.Empty(await AlertsAsync(app));
        await QuarterAsync(app);  // day: $0.50 of $1
        await app.RestartAsync();
        await QuarterAsync(app);  // still the same day: no repeat
        Assert.Equal(["day 2026-11-28 0.5 0.5"], await AlertsAsync(app));

        AdvanceTo(app, "2026-11-29T08:00:00Z");
        await QuarterAsync(app);  // month: $1.00 of $2
        await QuarterAsync(app);  // day: $0.50 again
        await QuarterAsync(app);
        AdvanceTo(app, "2026-11-30T08:00:00Z");
        await QuarterAsync(app);
        await QuarterAsync(app);  // a new day alerts again; the month already did

        Assert.Equal(["day 2026-11-28 0.5 0.5", "month 2026-11 0.5 1", "day 2026-11-29 0.5 0.5", "day 2026-11-30 0.5 0.5"],
            await AlertsAsync(app));
    }

    [Fact]
    public async Task Every_recorded_call_reports_cost_updated_with_running_totals()
    {
        await using var app = await StartAsync(new { daily = 0, monthly = 0 });
        await SonnetAsync(app);
        AdvanceTo(app, "2026-11-29T08:00:00Z");
        await SonnetAsync(app);

        using var client = await app.LoginClientAsync();
        var page = await GetJsonAsync(client, "/api/activity?type=cost:updated");
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        var latest = page.GetProperty("items")[0];
        Assert.Equal("conv-1", latest.GetProperty("conversationId").GetString());
        var data = latest.GetProperty("data");
        Assert.Equal("anthropic", data.GetProperty("provider").GetString());
        Assert.Equal("claude-sonnet-4-5", data.GetProperty("model").GetString());
        Assert.Equal(0.012207m, data.GetProperty("cost").GetDecimal());
        Assert.Equal(0.012207m, data.GetProperty("todayTotal").GetDecimal());
        Assert.Equal(0.024414m, data.GetProperty("monthTotal").GetDecimal());
    }

    [Fact]
    public async Task Concurrent_calls_are_all_counted_exactly()
    {
        await using var app = await StartAsync(new { daily = 0, monthly = 0 });

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => SonnetAsync(app))));

        using var client = await app.LoginClientAsync();
        Assert.Equal(40 * 0.012207m, (await GetJsonAsync(client, "/api/costs/today")).GetProperty("total").GetDecimal());
        var latest = (await GetJsonAsync(client, "/api/activity?type=cost:updated&limit=100")).GetProperty("items").EnumerateArray()
            .Max(item => item.GetProperty("data").GetProperty("todayTotal").GetDecimal());
        Assert.Equal(40 * 0.012207m, latest);
    }

    [Fact]
    public async Task A_call_that_finished_is_recorded_even_when_the_run_was_cancelled()
    {
        await using var app = await StartAsync(new { daily = 0.01, monthly = 0 });
        // The router publishes a finished call whatever became of the run; the guard records it.
        await app.Services.GetRequiredService<EventBus>().PublishAsync(
            new LlmCompleted(new EventScope("run-9", "c9", "api"), "anthropic", "claude-sonnet-4-5", 1234, 567, 0.012207m, true));

        Assert.Equal(["c9|12207"], ReadColumn(app, "SELECT conversation_id || '|' || cost_micros FROM llm_usage"));
        Assert.Equal("Daily budget of $0.01 reached ($0.012207 spent today).", (await RefusedAsync(app)).Message);
    }

    [Fact]
    public async Task Changing_the_time_zone_moves_the_day_the_guard_counts()
    {
        await using var app = await StartAsync(new { daily = 1, monthly = 0 });
        await CallAsync(app, "openai", "gpt-4o", 400_000, 0); // $1.00 at 12:00 UTC on the 28th
        AdvanceTo(app, "2026-11-29T02:00:00Z");
        await QuarterAsync(app); // a new day in UTC

        using var client = await app.LoginClientAsync();
        await PutAsync(client, "/api/settings", new Dictionary<string, string> { ["app.timezone"] = "America/Los_Angeles" });
        // 18:00 on the 28th in Los Angeles: both calls fall on the same local day
        Assert.Equal("Daily budget of $1.00 reached ($1.25 spent today).", (await RefusedAsync(app)).Message);

        AdvanceTo(app, "2026-11-29T08:00:00Z"); // midnight in Los Angeles
        await QuarterAsync(app);
    }

    /// <summary>The budget:alert events, oldest first, as "period key threshold spent".</summary>
    private static async Task<List<string>> AlertsAsync(TestApp app)
    {
        using var client = await app.LoginClientAsync();
        var page = await GetJsonAsync(client, "/api/activity?type=budget:alert&limit=100");
        return [.. page.GetProperty("items").EnumerateArray().Reverse().Select(item => item.GetProperty("data")).Select(data =>
            $"{data.GetProperty("period").GetString()} {data.GetProperty("key").GetString()} " +
            $"{data.GetProperty("threshold").GetDecimal()} {data.GetProperty("spent").GetDecimal()}")];
    }
}
