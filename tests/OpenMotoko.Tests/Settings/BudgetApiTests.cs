using System.Net;
using OpenMotoko.Tests.Hosting;

namespace OpenMotoko.Tests.Settings;

public sealed class BudgetApiTests
{
    [Fact]
    public async Task Get_returns_the_default_budget()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();

        var budget = await Envelope.ReadJsonAsync(await owner.GetAsync("/api/settings/budget"));

        Assert.Equal(0, budget.GetProperty("daily").GetDouble());
        Assert.Equal(0, budget.GetProperty("monthly").GetDouble());
        Assert.Equal([0.5, 0.8, 0.95], budget.GetProperty("alertThresholds").EnumerateArray().Select(t => t.GetDouble()));
    }

    [Fact]
    public async Task Put_merges_persists_and_shows_in_settings()
    {
        await using var app = await TestApp.StartAsync();
        using (var owner = await app.LoginClientAsync())
        {
            var put = await Envelope.ReadJsonAsync(await owner.PutAsync("/api/settings/budget", Envelope.Json("{\"daily\":2.5,\"alertThresholds\":[0.25,1]}")));
            Assert.Equal(2.5, put.GetProperty("daily").GetDouble());
            var partial = await Envelope.ReadJsonAsync(await owner.PutAsync("/api/settings/budget", Envelope.Json("{\"monthly\":40}")));
            Assert.Equal(2.5, partial.GetProperty("daily").GetDouble());
            Assert.Equal(40, partial.GetProperty("monthly").GetDouble());
        }

        await app.RestartAsync();

        using var again = await app.LoginClientAsync();
        var budget = await Envelope.ReadJsonAsync(await again.GetAsync("/api/settings/budget"));
        Assert.Equal(2.5, budget.GetProperty("daily").GetDouble());
        Assert.Equal(40, budget.GetProperty("monthly").GetDouble());
        Assert.Equal([0.25, 1.0], budget.GetProperty("alertThresholds").EnumerateArray().Select(t => t.GetDouble()));
        var settings = await Envelope.ReadJsonAsync(await again.GetAsync("/api/settings"));
        Assert.Equal(40, settings.GetProperty("budget").GetProperty("monthly").GetDouble());
    }

    [Theory]
    [InlineData("{\"daily\":-1}", "daily")]
    [InlineData("{\"monthly\":\"10\"}", "monthly")]
    [InlineData("{\"daily\":null}", "daily")]
    [InlineData("{\"alertThresholds\":[0.8,0.5]}", "alertThresholds[1]")]
    [InlineData("{\"alertThresholds\":[0.5,0.5]}", "alertThresholds[1]")]
    [InlineData("{\"alertThresholds\":[0]}", "alertThresholds[0]")]
    [InlineData("{\"alertThresholds\":[0.5,1.5]}", "alertThresholds[1]")]
    [InlineData("{\"alertThresholds\":[\"0.5\"]}", "alertThresholds[0]")]
    [InlineData("{\"alertThresholds\":0.5}", "alertThresholds")]
    [InlineData("{\"weekly\":3}", "weekly")]
    [InlineData("[1,2]", "$")]
    public async Task Invalid_budgets_are_400_with_details(string body, string path)
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();

        var envelope = await Envelope.AssertAsync(await owner.PutAsync("/api/settings/budget", Envelope.Json(body)),
            HttpStatusCode.BadRequest, "VALIDATION_ERROR");

        Assert.Contains(path, Envelope.DetailPaths(envelope));
        var budget = await Envelope.ReadJsonAsync(await owner.GetAsync("/api/settings/budget"));
        Assert.Equal(0, budget.GetProperty("daily").GetDouble());
    }

    [Fact]
    public async Task Invalid_budget_through_the_settings_route_is_400_too()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();

        var envelope = await Envelope.AssertAsync(await owner.PutAsync("/api/settings", Envelope.Json("{\"budget\":{\"alertThresholds\":[0.9,0.1]}}")),
            HttpStatusCode.BadRequest, "VALIDATION_ERROR");

        Assert.Contains("budget", Envelope.DetailPaths(envelope));
    }
}
