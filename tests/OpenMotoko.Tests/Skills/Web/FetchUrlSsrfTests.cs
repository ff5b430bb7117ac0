using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OpenMotoko.Tests.Skills.Web;

public sealed class FetchUrlSsrfTests
{
    [Theory]
    [InlineData("http://127.0.0.1/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://127.1/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.1.2.3/")]
    [InlineData("http://172.16.0.1/")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://198.18.0.1/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://224.0.0.1/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://[::ffff:169.254.169.254]/")]
    [InlineData("http://[fd00::1]/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[64:ff9b::7f00:1]/")]
    [InlineData("http://[2002:a00:1::1]/")]
    [InlineData("http://[::]/")]
    public async Task Internal_addresses_in_any_spelling_are_refused(string url)
    {
        await using var app = await TestApp.StartAsync();

        var outcome = await WebTools.CallAsync(app, "fetch_url", $$"""{"url": "{{url}}"}""");

        Assert.True(outcome.IsError);
        Assert.Contains("Refused to fetch", outcome.Output, StringComparison.Ordinal);
        Assert.Contains("skills.web.allowHosts", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_and_never_connected()
    {
        var hits = 0;
        await using var site = await FakeHttpServer.StartAsync(web => web.MapGet("/", () => { Interlocked.Increment(ref hits); return "secret"; }));
        await using var app = await TestApp.StartAsync();

        var outcome = await WebTools.CallAsync(app, "fetch_url", $$"""{"url": "http://localhost:{{site.Port}}/"}""");

        Assert.True(outcome.IsError);
        Assert.Contains("Refused to fetch", outcome.Output, StringComparison.Ordinal);
        Assert.Equal(0, hits);
    }

    [Fact]
    public async Task A_redirect_from_an_allowed_server_to_loopback_is_refused()
    {
        var secretHits = 0;
        await using var internalSite = await FakeHttpServer.StartAsync(web => web.MapGet("/secret", () => { Interlocked.Increment(ref secretHits); return "secret"; }), "127.0.0.2");
        await using var site = await FakeHttpServer.StartAsync(web =>
            web.MapGet("/go", () => Results.Redirect(new Uri(internalSite.BaseAddress, "secret").ToString())));
        await using var app = await TestApp.StartAsync();
        await WebTools.AllowAsync(app, "127.0.0.1/32");

        var outcome = await WebTools.CallAsync(app, "fetch_url", $$"""{"url": "{{site.BaseAddress}}go"}""");

        Assert.True(outcome.IsError);
        Assert.Contains("Refused to fetch http://127.0.0.2", outcome.Output, StringComparison.Ordinal);
        Assert.Equal(0, secretHits);
    }

    [Fact]
    public async Task A_redirect_to_another_scheme_is_refused()
    {
        await using var site = await FakeHttpServer.StartAsync(web => web.MapGet("/go", () => Results.Redirect("file:///etc/passwd")));
        await using var app = await TestApp.StartAsync();
        await WebTools.AllowAsync(app, "127.0.0.1");

        var outcome = await WebTools.CallAsync(app, "fetch_url", $$"""{"url": "{{site.BaseAddress}}go"}""");

        Assert.True(outcome.IsError);
        Assert.Contains("Only http and https", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirect_chains_are_limited()
    {
        await using var site = await FakeHttpServer.StartAsync(web =>
            web.MapGet("/hop/{n:int}", (int n) => Results.Redirect($"/hop/{n + 1}")));
        await using var app = await TestApp.StartAsync();
        await WebTools.AllowAsync(app, "127.0.0.1");

        var outcome = await WebTools.CallAsync(app, "fetch_url", $$"""{"url": "{{site.BaseAddress}}hop/0"}""");

        Assert.True(outcome.IsError);
        Assert.Contains("More than 5 redirects", outcome.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://example.com/file.txt")]
    [InlineData("gopher://127.0.0.1:25/")]
    public async Task Only_http_and_https_are_fetched(string url)
    {
        await using var app = await TestApp.StartAsync();

        var outcome = await WebTools.CallAsync(app, "fetch_url", $$"""{"url": "{{url}}"}""");

        Assert.True(outcome.IsError);
        Assert.Contains("Only http and https", outcome.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"url": 5}""")]
    [InlineData("""{"url": "not a url"}""")]
    [InlineData("""{"url": "https://example.com/", "maxBytes": 0}""")]
    [InlineData("""{"url": "https://example.com/", "maxBytes": 6000000}""")]
    [InlineData("""{"url": "https://example.com/", "maxBytes": "big"}""")]
    public async Task Bad_arguments_are_tool_errors(string arguments)
    {
        await using var app = await TestApp.StartAsync();

        var outcome = await WebTools.CallAsync(app, "fetch_url", arguments);

        Assert.True(outcome.IsError);
    }
}
