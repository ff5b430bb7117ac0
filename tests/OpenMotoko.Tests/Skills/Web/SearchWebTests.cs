using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OpenMotoko.Tests.Skills.Web;

public sealed class SearchWebTests
{
    private const string Key = "search-key-123";

    [Fact]
    public async Task Without_a_provider_the_tool_says_which_setting_to_set()
    {
        await using var app = await TestApp.StartAsync();

        var outcome = await WebTools.CallAsync(app, "search_web", """{"query": "openmotoko"}""");

        Assert.True(outcome.IsError);
        Assert.Contains("skills.web.search", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Brave_without_a_key_names_the_key_setting()
    {
        await using var app = await TestApp.StartAsync();
        await WebTools.PutSettingsAsync(app, new() { ["skills.web.search"] = "brave" });

        var outcome = await WebTools.CallAsync(app, "search_web", """{"query": "openmotoko"}""");

        Assert.True(outcome.IsError);
        Assert.Contains("OPENMOTOKO_WEB_SEARCH_API_KEY", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearXNG_is_asked_for_json_and_its_results_are_listed()
    {
        var queries = new ConcurrentQueue<string>();
        await using var searx = await FakeHttpServer.StartAsync(web => web.MapGet("/searx/search", (HttpRequest request) =>
        {
            queries.Enqueue($"{request.Query["q"]}|{request.Query["format"]}");
            return Results.Text("""
                {"query": "x", "results": [
                  {"title": "First hit", "url": "https://one.example/", "content": "About <b>one</b> &amp; more"},
                  {"title": "Second hit", "url": "https://two.example/", "content": "About two"},
                  {"title": "Third hit", "url": "https://three.example/", "content": "About three"}]}
                """, "application/json");
        }));
        await using var app = await TestApp.StartAsync();
        // The SearXNG instance is on the LAN (here loopback): configured search endpoints skip the SSRF guard.
        await WebTools.PutSettingsAsync(app, new() { ["skills.web.search"] = "searxng", ["skills.web.searxngUrl"] = $"{searx.BaseAddress}searx" });

        var outcome = await WebTools.CallAsync(app, "search_web", """{"query": "open motoko", "count": 2}""");

        Assert.False(outcome.IsError, outcome.Output);
        Assert.Equal("open motoko|json", Assert.Single(queries));
        Assert.Equal("1. First hit\n   https://one.example/\n   About one & more\n2. Second hit\n   https://two.example/\n   About two", outcome.Output);
    }

    [Fact]
    public async Task Brave_gets_the_subscription_token_and_its_web_results_are_listed()
    {
        var seen = new ConcurrentQueue<string>();
        await using var brave = await FakeHttpServer.StartAsync(web => web.MapGet("/res/v1/web/search", (HttpRequest request) =>
        {
            seen.Enqueue($"{request.Query["q"]}|{request.Query["count"]}|{request.Headers["X-Subscription-Token"]}");
            return request.Headers["X-Subscription-Token"] == Key
                ? Results.Text("""{"type": "search", "web": {"results": [{"title": "Brave hit", "url": "https://b.example/", "description": "From <strong>Brave</strong>"}]}}""", "application/json")
                : Results.StatusCode(401);
        }));
        await using var app = await TestApp.StartAsync(new()
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["OPENMOTOKO_BRAVE_BASE_URL"] = brave.BaseAddress.ToString(),
            ["OPENMOTOKO_WEB_SEARCH_API_KEY"] = Key,
        });
        await WebTools.PutSettingsAsync(app, new() { ["skills.web.search"] = "brave" });

        var outcome = await WebTools.CallAsync(app, "search_web", """{"query": "pi daemon", "count": 3}""");

        Assert.False(outcome.IsError, outcome.Output);
        Assert.Equal($"pi daemon|3|{Key}", Assert.Single(seen));
        Assert.Equal("1. Brave hit\n   https://b.example/\n   From Brave", outcome.Output);
    }

    [Fact]
    public async Task Tavily_gets_the_key_in_the_body_and_its_results_are_listed()
    {
        var bodies = new ConcurrentQueue<string>();
        await using var tavily = await FakeHttpServer.StartAsync(web => web.MapPost("/search", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            bodies.Enqueue(await reader.ReadToEndAsync());
            return Results.Text("""{"query": "q", "results": [{"title": "Tavily hit", "url": "https://t.example/", "content": "From Tavily", "score": 0.9}]}""", "application/json");
        }));
        await using var app = await TestApp.StartAsync(new()
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["OPENMOTOKO_TAVILY_BASE_URL"] = tavily.BaseAddress.ToString(),
        });
        await WebTools.PutSettingsAsync(app, new() { ["skills.web.search"] = "tavily", ["skills.web.searchApiKey"] = Key });

        var outcome = await WebTools.CallAsync(app, "search_web", """{"query": "weather berlin"}""");

        Assert.False(outcome.IsError, outcome.Output);
        using var body = JsonDocument.Parse(Assert.Single(bodies));
        Assert.Equal(Key, body.RootElement.GetProperty("api_key").GetString());
        Assert.Equal("weather berlin", body.RootElement.GetProperty("query").GetString());
        Assert.Equal(5, body.RootElement.GetProperty("max_results").GetInt32());
        Assert.Equal("1. Tavily hit\n   https://t.example/\n   From Tavily", outcome.Output);
    }

    [Fact]
    public async Task A_refused_key_is_a_tool_error_that_does_not_leak_the_key()
    {
        await using var brave = await FakeHttpServer.StartAsync(web => web.MapGet("/res/v1/web/search", () => Results.StatusCode(401)));
        await using var app = await TestApp.StartAsync(new()
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["OPENMOTOKO_BRAVE_BASE_URL"] = brave.BaseAddress.ToString(),
            ["OPENMOTOKO_WEB_SEARCH_API_KEY"] = Key,
        });
        await WebTools.PutSettingsAsync(app, new() { ["skills.web.search"] = "brave" });

        var outcome = await WebTools.CallAsync(app, "search_web", """{"query": "x"}""");

        Assert.True(outcome.IsError);
        Assert.Contains("HTTP 401", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, outcome.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"query": "  "}""")]
    [InlineData("""{"query": "x", "count": 0}""")]
    [InlineData("""{"query": "x", "count": 21}""")]
    public async Task Bad_arguments_are_tool_errors(string arguments)
    {
        await using var app = await TestApp.StartAsync();

        var outcome = await WebTools.CallAsync(app, "search_web", arguments);

        Assert.True(outcome.IsError);
    }
}
