using System.Net;
using OpenMotoko.Tests.Agent;
using static OpenMotoko.Tests.Artifacts.ArtifactTestKit;

namespace OpenMotoko.Tests.Artifacts;

/// <summary>The raw route as the web app's preview uses it: framed by the app only when inline, and any version.</summary>
public sealed class ArtifactRawFramingTests
{
    [Theory]
    [InlineData("html", "<p>hi</p><script>parent.document.title='pwned'</script>")]
    [InlineData("svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")]
    public async Task Inline_html_and_svg_may_be_framed_by_the_app_alone_and_stay_sandboxed(string type, string content)
    {
        await using var h = await AgentHarness.StartAsync();
        var id = (await CreateAsync(h.Client, new { type, title = "Page", content })).GetProperty("id").GetString()!;

        using var inline = await h.Client.GetAsync($"/api/artifacts/{id}/raw?inline=true");
        var policy = Csp(inline);
        Assert.StartsWith("sandbox;", policy);
        Assert.Contains("default-src 'none'", policy);
        Assert.DoesNotContain("script-src", policy);
        Assert.EndsWith("frame-ancestors 'self'", policy);
        Assert.Equal("SAMEORIGIN", inline.Headers.GetValues("X-Frame-Options").Single());

        using var download = await h.Client.GetAsync($"/api/artifacts/{id}/raw");
        Assert.EndsWith("frame-ancestors 'none'", Csp(download));
        Assert.Equal("DENY", download.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task Other_types_are_never_framed()
    {
        await using var h = await AgentHarness.StartAsync();
        var id = (await CreateAsync(h.Client, new { type = "markdown", title = "Notes", content = "# Hi" })).GetProperty("id").GetString()!;

        using var inline = await h.Client.GetAsync($"/api/artifacts/{id}/raw?inline=true");

        Assert.Equal("DENY", inline.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", Csp(inline));
    }

    [Fact]
    public async Task A_version_serves_that_versions_content_and_name()
    {
        await using var h = await AgentHarness.StartAsync();
        var id = (await CreateAsync(h.Client, new { type = "html", title = "First", content = "<p>one</p>" })).GetProperty("id").GetString()!;
        using (var patched = await h.Client.SendAsync(Patch(id, new { title = "Second", content = "<p>two</p>" })))
        {
            patched.EnsureSuccessStatusCode();
        }

        using var first = await h.Client.GetAsync($"/api/artifacts/{id}/raw?version=1&inline=true");
        Assert.Equal("<p>one</p>", await first.Content.ReadAsStringAsync());
        Assert.Equal("First.html", first.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        Assert.Equal("\"1\"", first.Headers.ETag!.Tag);
        Assert.StartsWith("sandbox;", Csp(first));

        using var latest = await h.Client.GetAsync($"/api/artifacts/{id}/raw?version=2");
        Assert.Equal("<p>two</p>", await latest.Content.ReadAsStringAsync());
        using var unversioned = await h.Client.GetAsync($"/api/artifacts/{id}/raw");
        Assert.Equal("<p>two</p>", await unversioned.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("one")]
    [InlineData("1&version=2")]
    [InlineData("99999999999999999999")]
    public async Task A_version_that_is_not_a_whole_number_from_1_is_400(string version)
    {
        await using var h = await AgentHarness.StartAsync();
        var id = (await CreateAsync(h.Client, new { type = "text", title = "T", content = "x" })).GetProperty("id").GetString()!;

        using var response = await h.Client.GetAsync($"/api/artifacts/{id}/raw?version={version}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("VALIDATION_ERROR", await CodeAsync(response));
    }

    [Fact]
    public async Task A_version_past_the_latest_or_of_an_unknown_artifact_is_404()
    {
        await using var h = await AgentHarness.StartAsync();
        var id = (await CreateAsync(h.Client, new { type = "text", title = "T", content = "x" })).GetProperty("id").GetString()!;

        using var past = await h.Client.GetAsync($"/api/artifacts/{id}/raw?version=2");
        Assert.Equal(HttpStatusCode.NotFound, past.StatusCode);
        Assert.Contains("no version 2", (await JsonAsync(past)).GetProperty("error").GetString(), StringComparison.Ordinal);

        using var unknown = await h.Client.GetAsync("/api/artifacts/nope/raw?version=1");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("NOT_FOUND", await CodeAsync(unknown));
    }

    private static string Csp(HttpResponseMessage response) => response.Headers.GetValues("Content-Security-Policy").Single();
}
