using System.Net;
using System.Text.Json;

namespace OpenMotoko.Tests.Registry;

public sealed class RegistrySearchTests
{
    [Fact]
    public async Task Search_filters_by_words_tags_and_verified_and_pages()
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();

        Assert.Equal(["weather-brief"], await Ids(client, "/api/registry/search?q=weather"));
        Assert.Equal(["git-helper"], await Ids(client, "/api/registry/search?q=GIT%20safest"));
        Assert.Equal(["git-helper"], await Ids(client, "/api/registry/search?tags=developer"));
        Assert.Empty(await Ids(client, "/api/registry/search?tags=developer,weather"));
        Assert.Equal(["weather-brief"], await Ids(client, "/api/registry/search?verified=true"));
        Assert.Equal(["git-helper"], await Ids(client, "/api/registry/search?verified=false"));
        Assert.Equal(["weather-brief", "git-helper"], await Ids(client, "/api/registry/entries"));

        using var page = await GetJson(client, "/api/registry/search?limit=1&offset=1");
        Assert.Equal(2, page.RootElement.GetProperty("total").GetInt32());
        var only = Assert.Single(page.RootElement.GetProperty("entries").EnumerateArray());
        Assert.Equal("git-helper", only.GetProperty("id").GetString());
        Assert.Equal("0.2.0", only.GetProperty("version").GetString());
        Assert.False(only.GetProperty("installed").GetBoolean());
        Assert.False(page.RootElement.GetProperty("stale").GetBoolean());
    }

    [Fact]
    public async Task Index_entries_that_break_the_protocol_are_skipped()
    {
        await using var registry = await FakeRegistry.StartAsync();
        var package = Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd));
        registry.AddPackage("no-hash", "no-hash.tar.gz", package, sha256: "not-hex");
        registry.AddPackage("Bad_Id", "bad-id.tar.gz", package);
        registry.AddPackage("fine-one", "fine.tar.gz", package);
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();

        Assert.Equal(["weather-brief", "git-helper", "fine-one"], await Ids(client, "/api/registry/entries"));
    }

    [Theory]
    [InlineData("/api/registry/search?limit=0", "limit")]
    [InlineData("/api/registry/search?limit=101", "limit")]
    [InlineData("/api/registry/search?offset=-1", "offset")]
    [InlineData("/api/registry/search?verified=maybe", "verified")]
    public async Task Bad_search_parameters_are_400(string url, string path)
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("VALIDATION_ERROR", body.RootElement.GetProperty("code").GetString());
        Assert.Equal(path, body.RootElement.GetProperty("details")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Detail_shows_an_entry_and_unknown_ids_are_404()
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();

        using var detail = await GetJson(client, "/api/registry/weather-brief");
        Assert.Equal("Weather brief", detail.RootElement.GetProperty("name").GetString());
        Assert.True(detail.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal(["weather", "daily"], detail.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!));
        Assert.False(detail.RootElement.GetProperty("installed").GetBoolean());

        using var missing = await client.GetAsync("/api/registry/no-such-skill");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("\"NOT_FOUND\"", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_registry_url_the_error_names_the_setting_and_env_var()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.GetAsync("/api/registry/search");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("registry.url", text, StringComparison.Ordinal);
        Assert.Contains("OPENMOTOKO_REGISTRY_URL", text, StringComparison.Ordinal);
        Assert.Contains("\"UNAVAILABLE\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_registry_needs_a_session()
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();

        using var response = await app.Client.GetAsync("/api/registry/search");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_index_is_cached_refreshed_on_request_or_after_the_ttl_and_served_offline()
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();
        Assert.Equal(2, (await Ids(client, "/api/registry/entries")).Length);

        registry.AddPackage("third-one", "third.tar.gz", Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd)));
        Assert.Equal(2, (await Ids(client, "/api/registry/entries")).Length); // still fresh: served from SQLite

        using (var refreshed = await client.PostAsync("/api/registry/refresh", null))
        {
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
            using var body = JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync());
            Assert.Equal(3, body.RootElement.GetProperty("entries").GetInt32());
        }

        registry.Index["entries"]!.AsArray().RemoveAt(2);
        registry.Publish();
        app.Time.Advance(TimeSpan.FromHours(7));
        Assert.Equal(2, (await Ids(client, "/api/registry/entries")).Length); // stale after the TTL: fetched again

        registry.AddPackage("fourth-one", "fourth.tar.gz", Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd)));
        await registry.StopAsync();
        app.Time.Advance(TimeSpan.FromHours(7));
        await app.RestartAsync();
        using var offline = await app.LoginClientAsync();

        using var cached = await GetJson(offline, "/api/registry/search?q=weather");
        Assert.True(cached.RootElement.GetProperty("stale").GetBoolean());
        Assert.Equal("weather-brief", cached.RootElement.GetProperty("entries")[0].GetProperty("id").GetString());

        using var refresh = await offline.PostAsync("/api/registry/refresh", null);
        Assert.Equal(HttpStatusCode.BadGateway, refresh.StatusCode);
        Assert.Contains("\"UPSTREAM_ERROR\"", await refresh.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    internal static async Task<JsonDocument> GetJson(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text);
    }

    private static async Task<string[]> Ids(HttpClient client, string url)
    {
        using var body = await GetJson(client, url);
        return [.. body.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];
    }
}
