using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Tests.Agent;
using static OpenMotoko.Tests.Artifacts.ArtifactTestKit;

namespace OpenMotoko.Tests.Artifacts;

public sealed class ArtifactRulesTests
{
    private const int MiB = 1024 * 1024;

    [Theory]
    [InlineData("""{"title":"t","content":"c"}""", "type")]
    [InlineData("""{"type":"pdf","title":"t","content":"c"}""", "type")]
    [InlineData("""{"type":"text","content":"c"}""", "title")]
    [InlineData("""{"type":"text","title":"   ","content":"c"}""", "title")]
    [InlineData("""{"type":"text","title":"t"}""", "content")]
    [InlineData("""{"type":"text","title":"t","content":5}""", "content")]
    [InlineData("""{"type":"markdown","title":"t","content":"c","language":"python"}""", "language")]
    [InlineData("""{"type":"code","title":"t","content":"c","language":"py thon"}""", "language")]
    [InlineData("""{"type":"text","title":"t","content":"c","version":3}""", "version")]
    [InlineData("""{"type":"text","title":"t","content":"c","conversationId":7}""", "conversationId")]
    [InlineData("""["text"]""", "$")]
    public async Task A_bad_new_artifact_is_400_naming_the_field(string body, string field)
    {
        await using var h = await AgentHarness.StartAsync();
        using var response = await h.Client.PostAsync("/api/artifacts", Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await JsonAsync(response);
        Assert.Equal("VALIDATION_ERROR", error.GetProperty("code").GetString());
        Assert.Contains(field, error.GetProperty("details").EnumerateArray().Select(d => d.GetProperty("path").GetString()));
    }

    [Fact]
    public async Task Titles_allow_200_characters_and_unknown_conversations_are_refused()
    {
        await using var h = await AgentHarness.StartAsync();
        await CreateAsync(h.Client, new { type = "text", title = new string('t', 200), content = "" });
        using var tooLong = await h.Client.PostAsJsonAsync("/api/artifacts", new { type = "text", title = new string('t', 201), content = "" });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        using var orphan = await h.Client.PostAsJsonAsync("/api/artifacts", new { type = "text", title = "t", content = "", conversationId = "missing" });
        Assert.Equal(HttpStatusCode.BadRequest, orphan.StatusCode);
        Assert.Equal("conversationId", (await JsonAsync(orphan)).GetProperty("details")[0].GetProperty("path").GetString());
        Assert.Equal(1, (await h.Client.GetFromJsonAsync<JsonElement>("/api/artifacts")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_bad_patch_is_400_and_changes_nothing()
    {
        await using var h = await AgentHarness.StartAsync();
        var id = (await CreateAsync(h.Client, new { type = "markdown", title = "Doc", content = "# Doc" })).GetProperty("id").GetString()!;
        foreach (var body in new[] { "{}", """{"conversationId":"x"}""", """{"language":"python"}""", """{"type":"pdf"}""", """{"title":""}""", "null" })
        {
            using var response = await h.Client.PatchAsync($"/api/artifacts/{id}", Json(body));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("VALIDATION_ERROR", await CodeAsync(response));
        }
        using (var noBody = await h.Client.PatchAsync($"/api/artifacts/{id}", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noBody.StatusCode);
        }
        var versions = await h.Client.GetFromJsonAsync<JsonElement>($"/api/artifacts/{id}/versions");
        Assert.Equal(1, versions.GetProperty("total").GetInt64());
        using var toCode = await h.Client.PatchAsync($"/api/artifacts/{id}", Json("""{"type":"code","language":"rust"}"""));
        Assert.Equal("rust", (await JsonAsync(toCode)).GetProperty("language").GetString());
    }

    [Fact]
    public async Task Content_of_1_MiB_is_stored_and_one_byte_more_is_413()
    {
        await using var h = await AgentHarness.StartAsync();
        // Newlines double in JSON: the body is past 1 MiB, yet the content is exactly 1 MiB.
        var full = new string('\n', MiB / 2) + new string('x', MiB / 2);
        var created = await CreateAsync(h.Client, new { type = "text", title = "Big", content = full });
        Assert.Equal(MiB, created.GetProperty("size").GetInt64());
        var id = created.GetProperty("id").GetString()!;

        using var over = await h.Client.PostAsJsonAsync("/api/artifacts", new { type = "text", title = "Big", content = full + "y" });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Equal("PAYLOAD_TOO_LARGE", await CodeAsync(over));
        // UTF-8 bytes count, not characters: 2 bytes each.
        using var wide = await h.Client.SendAsync(Patch(id, new { content = new string('é', MiB / 2 + 1) }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, wide.StatusCode);
        // A body far past any content that could fit is refused before it is read (the client waits for 100 Continue).
        using var hugeRequest = new HttpRequestMessage(HttpMethod.Post, "/api/artifacts")
        {
            Content = Json($$"""{"type":"text","title":"t","content":"{{new string('z', 7 * MiB)}}"}"""),
        };
        hugeRequest.Headers.ExpectContinue = true;
        using var huge = await h.Client.SendAsync(hugeRequest);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal("PAYLOAD_TOO_LARGE", await CodeAsync(huge));
        Assert.Equal(1, (await h.Client.GetFromJsonAsync<JsonElement>($"/api/artifacts/{id}/versions")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_patch_with_a_stale_If_Match_is_412_and_the_latest_stays()
    {
        await using var h = await AgentHarness.StartAsync();
        var id = (await CreateAsync(h.Client, new { type = "text", title = "T", content = "one" })).GetProperty("id").GetString()!;
        using (var ok = await h.Client.SendAsync(Patch(id, new { content = "two" }, "\"1\"")))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        foreach (var tag in new[] { "\"1\"", "W/\"2\"", "2", "\"3\"", "garbage" })
        {
            using var stale = await h.Client.SendAsync(Patch(id, new { content = "three" }, tag));
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
            Assert.Equal("PRECONDITION_FAILED", await CodeAsync(stale));
            Assert.Equal("\"2\"", stale.Headers.ETag!.Tag);
        }
        Assert.Equal("two", (await h.Client.GetFromJsonAsync<JsonElement>($"/api/artifacts/{id}")).GetProperty("content").GetString());
        using var listed = await h.Client.SendAsync(Patch(id, new { content = "three" }, "\"9\", \"2\""));
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        using var any = await h.Client.SendAsync(Patch(id, new { content = "four" }, "*"));
        Assert.Equal("\"4\"", any.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Of_patches_racing_with_the_same_If_Match_exactly_one_wins()
    {
        await using var h = await AgentHarness.StartAsync();
        var id = (await CreateAsync(h.Client, new { type = "text", title = "T", content = "base" })).GetProperty("id").GetString()!;
        var racers = Enumerable.Range(0, 8).Select(async i =>
        {
            using var response = await h.Client.SendAsync(Patch(id, new { content = $"editor {i}" }, "\"1\""));
            return response.StatusCode;
        });
        var outcomes = await Task.WhenAll(racers);
        Assert.Single(outcomes, status => status == HttpStatusCode.OK);
        Assert.Equal(7, outcomes.Count(status => status == HttpStatusCode.PreconditionFailed));
        var versions = await h.Client.GetFromJsonAsync<JsonElement>($"/api/artifacts/{id}/versions");
        Assert.Equal(2, versions.GetProperty("total").GetInt64());
    }
}
