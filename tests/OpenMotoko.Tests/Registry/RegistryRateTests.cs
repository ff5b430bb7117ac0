using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace OpenMotoko.Tests.Registry;

public sealed class RegistryRateTests
{
    [Fact]
    public async Task A_rating_is_forwarded_to_the_registry()
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsJsonAsync("/api/registry/rate", new { skillId = "weather-brief", stars = 5, comment = "Handy every morning" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"ok\":true", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var sent = JsonDocument.Parse(Assert.Single(registry.Ratings));
        Assert.Equal("weather-brief", sent.RootElement.GetProperty("skillId").GetString());
        Assert.Equal(5, sent.RootElement.GetProperty("stars").GetInt32());
        Assert.Equal("Handy every morning", sent.RootElement.GetProperty("comment").GetString());
    }

    [Theory]
    [InlineData("""{"skillId": "weather-brief", "stars": 0}""", "stars")]
    [InlineData("""{"skillId": "weather-brief", "stars": 6}""", "stars")]
    [InlineData("""{"skillId": "weather-brief", "stars": 4.5}""", "stars")]
    [InlineData("""{"skillId": "weather-brief", "stars": "5"}""", "stars")]
    [InlineData("""{"skillId": "weather-brief"}""", "stars")]
    [InlineData("""{"skillId": "../x", "stars": 3}""", "skillId")]
    [InlineData("""{"stars": 3}""", "skillId")]
    public async Task Bad_ratings_are_400_and_not_forwarded(string json, string path)
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsync("/api/registry/rate", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("VALIDATION_ERROR", body.RootElement.GetProperty("code").GetString());
        Assert.Equal(path, body.RootElement.GetProperty("details")[0].GetProperty("path").GetString());
        Assert.Empty(registry.Ratings);
    }

    [Fact]
    public async Task A_registry_that_refuses_the_rating_is_502_upstream_error()
    {
        await using var registry = await FakeRegistry.StartAsync();
        registry.RatingStatus = 500;
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsJsonAsync("/api/registry/rate", new { skillId = "weather-brief", stars = 2 });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("UPSTREAM_ERROR", body.RootElement.GetProperty("code").GetString());
        Assert.Contains("refused the rating: HTTP 500", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single(registry.Ratings); // posted once, not retried
    }

    [Fact]
    public async Task A_registry_that_is_down_is_502_upstream_error()
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();
        await registry.StopAsync();

        using var response = await client.PostAsJsonAsync("/api/registry/rate", new { skillId = "weather-brief", stars = 4 });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("UPSTREAM_ERROR", body.RootElement.GetProperty("code").GetString());
        Assert.Contains("could not be reached", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_from_a_registry_that_is_down_and_never_cached_is_502()
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();
        await registry.StopAsync();

        using var response = await client.PostAsJsonAsync("/api/registry/install", new { id = "weather-brief" });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("\"UPSTREAM_ERROR\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(app.DataDir, "skills", "weather-brief")));
    }
}
