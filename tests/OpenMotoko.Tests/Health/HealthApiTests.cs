using System.Net;
using System.Text.Json;

namespace OpenMotoko.Tests.Health;

public sealed class HealthApiTests
{
    [Fact]
    public async Task Health_is_public_and_reports_version_uptime_and_time()
    {
        await using var app = await TestApp.StartAsync();
        app.Time.Advance(TimeSpan.FromSeconds(42));

        using var response = await app.Client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal("ok", root.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
        Assert.Equal(42, root.GetProperty("uptime").GetInt64());
        Assert.Equal(app.Time.GetUtcNow().ToUnixTimeMilliseconds(), root.GetProperty("timestamp").GetInt64());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }
}
