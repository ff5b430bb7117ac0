using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Costs;
using static OpenMotoko.Tests.Costs.CostTestKit;

namespace OpenMotoko.Tests.Costs;

public sealed class CostsApiTests
{
    [Fact]
    public async Task Costs_add_up_to_the_exact_figures_by_provider_and_model()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        await CallAsync(app, "anthropic", "claude-sonnet-4-5-20250929", 1234, 567); // 0.003702 + 0.008505
        await CallAsync(app, "openai", "gpt-4o-mini", 1000, 1000);                  // 0.00015 + 0.0006
        await CallAsync(app, "anthropic", "claude-sonnet-4-5", 1234, 567);

        var today = await GetJsonAsync(client, "/api/costs/today");
        Assert.Equal(0.025164m, today.GetProperty("total").GetDecimal());
        Assert.Equal(0.024414m, today.GetProperty("byProvider").GetProperty("anthropic").GetDecimal());
        Assert.Equal(0.00075m, today.GetProperty("byProvider").GetProperty("openai").GetDecimal());
        Assert.Equal(0.012207m, today.GetProperty("byModel").GetProperty("claude-sonnet-4-5").GetDecimal());
        Assert.Equal(0.012207m, today.GetProperty("byModel").GetProperty("claude-sonnet-4-5-20250929").GetDecimal());
        Assert.Equal(["12207", "750", "12207"], ReadColumn(app, "SELECT cost_micros FROM llm_usage ORDER BY id"));

        var breakdown = await GetJsonAsync(client, "/api/costs/breakdown?period=day");
        var providers = breakdown.GetProperty("providers").EnumerateArray().ToList();
        Assert.Equal("anthropic", providers[0].GetProperty("name").GetString());
        Assert.Equal(0.024414m, providers[0].GetProperty("cost").GetDecimal());
        Assert.Equal(2 * (1234 + 567), providers[0].GetProperty("tokens").GetInt64());
        Assert.Equal(2000, providers[1].GetProperty("tokens").GetInt64());
        Assert.Equal(3, breakdown.GetProperty("models").GetArrayLength());
    }

    [Fact]
    public async Task An_unknown_model_costs_nothing_and_is_flagged()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        await CallAsync(app, "openai", "my-finetune-7", 5000, 5000);
        await CallAsync(app, "ollama", "llama3.2", 5000, 5000);

        Assert.Equal(["0|0|my-finetune-7", "0|1|llama3.2"], ReadColumn(app, "SELECT cost_micros || '|' || price_known || '|' || model FROM llm_usage ORDER BY id"));
        var today = await GetJsonAsync(client, "/api/costs/today");
        Assert.Equal(0m, today.GetProperty("total").GetDecimal());
        var updated = await GetJsonAsync(client, "/api/activity?type=cost:updated");
        var data = updated.GetProperty("items")[1].GetProperty("data");
        Assert.Equal("my-finetune-7", data.GetProperty("model").GetString());
        Assert.False(data.GetProperty("priceKnown").GetBoolean());
    }

    [Fact]
    public async Task Today_history_and_breakdown_follow_the_configured_time_zone_across_midnight()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        await PutAsync(client, "/api/settings", new Dictionary<string, string> { ["app.timezone"] = "America/New_York" });

        await CallAsync(app, "openai", "gpt-4o", 1_000_000, 0);       // 2026-11-28 07:00 New York: $2.50
        AdvanceTo(app, "2026-11-29T03:00:00Z");                       // 22:00 on the 28th in New York
        await CallAsync(app, "openai", "gpt-4o", 0, 100_000);         // $1.00
        Assert.Equal(3.5m, (await GetJsonAsync(client, "/api/costs/today")).GetProperty("total").GetDecimal());

        AdvanceTo(app, "2026-11-29T06:00:00Z");                       // 01:00 on the 29th in New York
        await CallAsync(app, "anthropic", "claude-haiku-4-5", 1_000_000, 0); // $1.00
        var today = await GetJsonAsync(client, "/api/costs/today");
        Assert.Equal(1m, today.GetProperty("total").GetDecimal());
        Assert.False(today.GetProperty("byProvider").TryGetProperty("openai", out _));

        var history = (await GetJsonAsync(client, "/api/costs/history?days=3")).EnumerateArray().ToList();
        Assert.Equal(["2026-11-27", "2026-11-28", "2026-11-29"], history.Select(d => d.GetProperty("date").GetString()));
        Assert.Equal([0m, 3.5m, 1m], history.Select(d => d.GetProperty("cost").GetDecimal()));
        Assert.Equal(1_000_000, history[1].GetProperty("inputTokens").GetInt64());
        Assert.Equal(100_000, history[1].GetProperty("outputTokens").GetInt64());
        Assert.Equal(30, (await GetJsonAsync(client, "/api/costs/history")).GetArrayLength());

        var week = await GetJsonAsync(client, "/api/costs/breakdown?period=week");
        Assert.Equal(3.5m, week.GetProperty("providers")[0].GetProperty("cost").GetDecimal());
        Assert.Equal(1_100_000, week.GetProperty("providers")[0].GetProperty("tokens").GetInt64());
        var day = await GetJsonAsync(client, "/api/costs/breakdown?period=day");
        Assert.Equal("anthropic", day.GetProperty("providers").EnumerateArray().Single().GetProperty("name").GetString());

        AdvanceTo(app, "2026-12-01T06:00:00Z");                       // 01:00 on December 1st in New York
        var month = await GetJsonAsync(client, "/api/costs/breakdown?period=month");
        Assert.Equal(0, month.GetProperty("providers").GetArrayLength());
    }

    [Fact]
    public async Task Days_are_right_on_a_daylight_saving_change()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        await PutAsync(client, "/api/settings", new Dictionary<string, string> { ["app.timezone"] = "Europe/Berlin" });
        var calendar = app.Services.GetRequiredService<CostCalendar>();
        var (from, to) = calendar.Day(new DateOnly(2027, 3, 28));
        Assert.Equal(23 * 3_600_000L, to - from); // clocks go forward: a 23-hour day

        AdvanceTo(app, "2027-03-27T23:30:00Z");                       // 00:30 CET on the 28th
        await CallAsync(app, "openai", "gpt-4o", 1_000_000, 0);
        AdvanceTo(app, "2027-03-28T21:30:00Z");                       // 23:30 CEST on the 28th
        await CallAsync(app, "openai", "gpt-4o", 1_000_000, 0);
        AdvanceTo(app, "2027-03-28T22:30:00Z");                       // 00:30 CEST on the 29th
        await CallAsync(app, "openai", "gpt-4o", 0, 100_000);

        using var later = await app.LoginClientAsync(); // the first session expired over the months
        var history = (await GetJsonAsync(later, "/api/costs/history?days=3")).EnumerateArray().ToList();
        Assert.Equal(["2027-03-27", "2027-03-28", "2027-03-29"], history.Select(d => d.GetProperty("date").GetString()));
        Assert.Equal([0m, 5m, 1m], history.Select(d => d.GetProperty("cost").GetDecimal()));
        Assert.Equal(1m, (await GetJsonAsync(later, "/api/costs/today")).GetProperty("total").GetDecimal());
    }

    [Theory]
    [InlineData("/api/costs/history?days=0", "days")]
    [InlineData("/api/costs/history?days=366", "days")]
    [InlineData("/api/costs/history?days=ten", "days")]
    [InlineData("/api/costs/history?days=-3", "days")]
    [InlineData("/api/costs/breakdown?period=year", "period")]
    [InlineData("/api/costs/breakdown?period=", "period")]
    public async Task Bad_query_values_are_400_with_details(string path, string field)
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("VALIDATION_ERROR", body.GetProperty("code").GetString());
        Assert.Equal(field, body.GetProperty("details")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Costs_need_a_session()
    {
        await using var app = await TestApp.StartAsync();
        using var response = await app.Client.GetAsync("/api/costs/today");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
