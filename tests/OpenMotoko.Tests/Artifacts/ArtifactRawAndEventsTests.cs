using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Tests.Agent;
using static OpenMotoko.Tests.Artifacts.ArtifactTestKit;

namespace OpenMotoko.Tests.Artifacts;

public sealed class ArtifactRawAndEventsTests
{
    [Theory]
    [InlineData("html", "<script>alert(1)</script>", "text/html", "Page.html")]
    [InlineData("svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "image/svg+xml", "Page.svg")]
    public async Task Html_and_svg_are_sandboxed_attachments_unless_inline_and_sandboxed_even_then(string type, string content, string mediaType, string fileName)
    {
        await using var h = await AgentHarness.StartAsync();
        var id = (await CreateAsync(h.Client, new { type, title = "Page", content })).GetProperty("id").GetString()!;

        using var download = await h.Client.GetAsync($"/api/artifacts/{id}/raw");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(mediaType, download.Content.Headers.ContentType!.MediaType);
        Assert.Equal(content, await download.Content.ReadAsStringAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(fileName, download.Content.Headers.ContentDisposition.FileName!.Trim('"'));
        Assert.StartsWith("sandbox;", Csp(download));
        Assert.Contains("default-src 'none'", Csp(download));
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("\"1\"", download.Headers.ETag!.Tag);

        using var inline = await h.Client.GetAsync($"/api/artifacts/{id}/raw?inline=true");
        Assert.Equal("inline", inline.Content.Headers.ContentDisposition!.DispositionType);
        Assert.StartsWith("sandbox;", Csp(inline));

        using var notInline = await h.Client.GetAsync($"/api/artifacts/{id}/raw?inline=false");
        Assert.Equal("attachment", notInline.Content.Headers.ContentDisposition!.DispositionType);
        using var bad = await h.Client.GetAsync($"/api/artifacts/{id}/raw?inline=yes");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("VALIDATION_ERROR", await CodeAsync(bad));
    }

    [Theory]
    [InlineData("markdown", null, "text/markdown", "Notes-v2.md")]
    [InlineData("code", "python", "text/plain", "Notes-v2.py")]
    [InlineData("json", null, "application/json", "Notes-v2.json")]
    [InlineData("mermaid", null, "text/plain", "Notes-v2.mmd")]
    [InlineData("text", null, "text/plain", "Notes-v2.txt")]
    public async Task Other_types_are_served_with_their_own_content_type(string type, string? language, string mediaType, string fileName)
    {
        await using var h = await AgentHarness.StartAsync();
        var id = (await CreateAsync(h.Client, new { type, title = "Notes v2", content = "{\"é\": 1}", language })).GetProperty("id").GetString()!;
        using var raw = await h.Client.GetAsync($"/api/artifacts/{id}/raw");
        Assert.Equal(mediaType, raw.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", raw.Content.Headers.ContentType.CharSet);
        Assert.Equal("{\"é\": 1}", await raw.Content.ReadAsStringAsync());
        Assert.Equal(fileName, raw.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        Assert.DoesNotContain("sandbox", Csp(raw)); // the API's own policy, which already allows nothing
    }

    [Fact]
    public async Task Created_updated_and_deleted_are_published_without_content()
    {
        await using var h = await AgentHarness.StartAsync();
        var conversation = await h.CreateConversationAsync();
        var id = (await CreateAsync(h.Client, new { type = "markdown", title = "Plan", content = "SECRET-CONTENT-1", conversationId = conversation }))
            .GetProperty("id").GetString()!;
        using (var patched = await h.Client.SendAsync(Patch(id, new { content = "SECRET-CONTENT-2" })))
        {
            patched.EnsureSuccessStatusCode();
        }
        using (var deleted = await h.Client.DeleteAsync($"/api/artifacts/{id}"))
        {
            deleted.EnsureSuccessStatusCode();
        }

        var feed = await h.Client.GetFromJsonAsync<JsonElement>($"/api/activity?conversationId={conversation}&skillId=artifacts");
        var items = feed.GetProperty("items").EnumerateArray().Reverse().ToList();
        Assert.Equal(["artifact:created", "artifact:updated", "artifact:deleted"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal([1L, 2L, 2L], items.Select(i => i.GetProperty("data").GetProperty("version").GetInt64()));
        foreach (var item in items)
        {
            var data = item.GetProperty("data");
            Assert.Equal(id, data.GetProperty("artifactId").GetString());
            Assert.Equal(conversation, data.GetProperty("conversationId").GetString());
            Assert.Equal("Plan", data.GetProperty("title").GetString());
            Assert.Equal("markdown", data.GetProperty("artifactType").GetString());
            Assert.Equal("api", item.GetProperty("channel").GetString());
            Assert.DoesNotContain("SECRET-CONTENT", item.GetRawText());
        }
    }

    private static string Csp(HttpResponseMessage response) => response.Headers.GetValues("Content-Security-Policy").Single();
}
