using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Tests.Agent;
using static OpenMotoko.Tests.Artifacts.ArtifactTestKit;

namespace OpenMotoko.Tests.Artifacts;

public sealed class ArtifactsApiTests
{
    [Fact]
    public async Task Create_get_patch_versions_and_delete_keep_every_version_readable()
    {
        await using var h = await AgentHarness.StartAsync();
        var conversation = await h.CreateConversationAsync();
        using var created = await h.Client.PostAsJsonAsync("/api/artifacts",
            new { type = "code", title = "  Fizz buzz  ", language = "python", content = "print('fizz')", conversationId = conversation });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag!.Tag);
        var first = await JsonAsync(created);
        var id = first.GetProperty("id").GetString()!;
        Assert.Equal($"/api/artifacts/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal("Fizz buzz", first.GetProperty("title").GetString());
        Assert.Equal(conversation, first.GetProperty("conversationId").GetString());
        Assert.Equal("python", first.GetProperty("language").GetString());
        Assert.Equal(1, first.GetProperty("version").GetInt64());
        Assert.Equal(13, first.GetProperty("size").GetInt64());
        Assert.Equal(h.App.Time.GetUtcNow().ToUnixTimeMilliseconds(), first.GetProperty("createdAt").GetInt64());

        h.App.Time.Advance(TimeSpan.FromSeconds(5));
        using (var patched = await h.Client.SendAsync(Patch(id, new { content = "print('buzz')", title = "FizzBuzz" }, "\"1\"")))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            Assert.Equal("\"2\"", patched.Headers.ETag!.Tag);
            var second = await JsonAsync(patched);
            Assert.Equal(2, second.GetProperty("version").GetInt64());
            Assert.Equal("print('buzz')", second.GetProperty("content").GetString());
            Assert.Equal("python", second.GetProperty("language").GetString());
            Assert.Equal(first.GetProperty("createdAt").GetInt64() + 5000, second.GetProperty("updatedAt").GetInt64());
        }
        using (var retyped = await h.Client.SendAsync(Patch(id, new { type = "text" })))
        {
            var third = await JsonAsync(retyped);
            Assert.Equal(3, third.GetProperty("version").GetInt64());
            Assert.Equal(JsonValueKind.Null, third.GetProperty("language").ValueKind); // a language goes with code only
            Assert.Equal("print('buzz')", third.GetProperty("content").GetString());
        }

        using (var latest = await h.Client.GetAsync($"/api/artifacts/{id}"))
        {
            Assert.Equal("\"3\"", latest.Headers.ETag!.Tag);
            Assert.Equal("text", (await JsonAsync(latest)).GetProperty("type").GetString());
        }
        var old = await h.Client.GetFromJsonAsync<JsonElement>($"/api/artifacts/{id}/versions/1");
        Assert.Equal("print('fizz')", old.GetProperty("content").GetString());
        Assert.Equal("Fizz buzz", old.GetProperty("title").GetString());
        Assert.Equal("code", old.GetProperty("type").GetString());
        Assert.Equal(1, old.GetProperty("version").GetInt64());

        var versions = await h.Client.GetFromJsonAsync<JsonElement>($"/api/artifacts/{id}/versions");
        Assert.Equal(3, versions.GetProperty("total").GetInt64());
        Assert.Equal([3L, 2L, 1L], versions.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("version").GetInt64()));
        var oldest = versions.GetProperty("items")[2];
        Assert.Equal(["version", "title", "size", "createdAt"], oldest.EnumerateObject().Select(p => p.Name));
        Assert.Equal(13, oldest.GetProperty("size").GetInt64());
        var paged = await h.Client.GetFromJsonAsync<JsonElement>($"/api/artifacts/{id}/versions?limit=1&offset=1");
        Assert.Equal(2, paged.GetProperty("items").EnumerateArray().Single().GetProperty("version").GetInt64());

        using (var deleted = await h.Client.DeleteAsync($"/api/artifacts/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        foreach (var path in new[] { $"/api/artifacts/{id}", $"/api/artifacts/{id}/versions", $"/api/artifacts/{id}/versions/1", $"/api/artifacts/{id}/raw" })
        {
            using var gone = await h.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal("NOT_FOUND", await CodeAsync(gone));
        }
        using var again = await h.Client.DeleteAsync($"/api/artifacts/{id}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={h.App.DatabasePath}");
        await connection.OpenAsync();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM artifact_versions";
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task The_list_has_no_content_is_newest_first_filters_by_conversation_and_pages()
    {
        await using var h = await AgentHarness.StartAsync();
        var conversation = await h.CreateConversationAsync();
        var a = await CreateAsync(h.Client, new { type = "markdown", title = "A", content = "# A", conversationId = conversation });
        h.App.Time.Advance(TimeSpan.FromSeconds(1));
        var b = await CreateAsync(h.Client, new { type = "text", title = "B", content = "b" });
        h.App.Time.Advance(TimeSpan.FromSeconds(1));
        var c = await CreateAsync(h.Client, new { type = "json", title = "C", content = "{}", conversationId = conversation });

        var all = await h.Client.GetFromJsonAsync<JsonElement>("/api/artifacts");
        Assert.Equal(3, all.GetProperty("total").GetInt64());
        Assert.Equal([Id(c), Id(b), Id(a)], all.GetProperty("items").EnumerateArray().Select(Id));
        Assert.All(all.GetProperty("items").EnumerateArray(), item => Assert.False(item.TryGetProperty("content", out _)));
        Assert.Equal(2, all.GetProperty("items")[0].GetProperty("size").GetInt64()); // "{}"

        var mine = await h.Client.GetFromJsonAsync<JsonElement>($"/api/artifacts?conversationId={conversation}&limit=1&offset=1");
        Assert.Equal(2, mine.GetProperty("total").GetInt64());
        Assert.Equal([Id(a)], mine.GetProperty("items").EnumerateArray().Select(Id));

        h.App.Time.Advance(TimeSpan.FromSeconds(1));
        using (var touched = await h.Client.SendAsync(Patch(Id(a), new { title = "A2" })))
        {
            touched.EnsureSuccessStatusCode();
        }
        var after = await h.Client.GetFromJsonAsync<JsonElement>("/api/artifacts");
        Assert.Equal(Id(a), Id(after.GetProperty("items")[0]));

        foreach (var query in new[] { "limit=0", "limit=101", "offset=-1", "limit=x", "conversationId=", "limit=1&limit=2" })
        {
            using var bad = await h.Client.GetAsync($"/api/artifacts?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("VALIDATION_ERROR", await CodeAsync(bad));
        }
        using var badVersions = await h.Client.GetAsync($"/api/artifacts/{Id(a)}/versions?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badVersions.StatusCode);
    }

    [Fact]
    public async Task Deleting_the_conversation_keeps_its_artifacts()
    {
        await using var h = await AgentHarness.StartAsync();
        var conversation = await h.CreateConversationAsync();
        var artifact = await CreateAsync(h.Client, new { type = "text", title = "Notes", content = "n", conversationId = conversation });
        using (var deleted = await h.Client.DeleteAsync($"/api/conversations/{conversation}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        var kept = await h.Client.GetFromJsonAsync<JsonElement>($"/api/artifacts/{Id(artifact)}");
        Assert.Equal(JsonValueKind.Null, kept.GetProperty("conversationId").ValueKind);
    }

    [Fact]
    public async Task Versions_out_of_range_are_404_and_non_numeric_ones_400()
    {
        await using var h = await AgentHarness.StartAsync();
        var id = Id(await CreateAsync(h.Client, new { type = "text", title = "T", content = "v1" }));
        foreach (var version in new[] { "0", "-1", "2", "99999999999999999999999" })
        {
            using var missing = await h.Client.GetAsync($"/api/artifacts/{id}/versions/{version}");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("NOT_FOUND", await CodeAsync(missing));
        }
        foreach (var version in new[] { "one", "1.0", "1e3", "-", "%20" })
        {
            using var bad = await h.Client.GetAsync($"/api/artifacts/{id}/versions/{version}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("VALIDATION_ERROR", await CodeAsync(bad));
        }
        using var unknown = await h.Client.GetAsync("/api/artifacts/nope/versions/1");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("No artifact", (await JsonAsync(unknown)).GetProperty("error").GetString());
        using var unknownPatch = await h.Client.SendAsync(Patch("nope", new { title = "x" }));
        Assert.Equal(HttpStatusCode.NotFound, unknownPatch.StatusCode);
        Assert.Equal("NOT_FOUND", await CodeAsync(unknownPatch));
    }

    [Fact]
    public async Task Every_route_needs_a_session()
    {
        await using var h = await AgentHarness.StartAsync();
        var id = Id(await CreateAsync(h.Client, new { type = "text", title = "T", content = "c" }));
        using var anonymous = h.App.CreateClient();
        foreach (var path in new[] { "/api/artifacts", $"/api/artifacts/{id}", $"/api/artifacts/{id}/raw", $"/api/artifacts/{id}/versions", $"/api/artifacts/{id}/versions/1" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using var post = await anonymous.PostAsJsonAsync("/api/artifacts", new { type = "text", title = "T", content = "c" });
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        using var delete = await anonymous.DeleteAsync($"/api/artifacts/{id}");
        Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
        Assert.Equal(1, (await h.Client.GetFromJsonAsync<JsonElement>("/api/artifacts")).GetProperty("total").GetInt64());
    }

    private static string Id(JsonElement artifact) => artifact.GetProperty("id").GetString()!;
}
