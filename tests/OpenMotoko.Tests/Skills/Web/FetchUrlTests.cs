using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OpenMotoko.Tests.Skills.Web;

public sealed class FetchUrlTests
{
    private const string Page = """
        <!DOCTYPE html>
        <html><head><title>The  Daily &amp; Weekly</title>
        <style>body { color: red }</style><script>var secret = "do-not-show";</script></head>
        <body><h1>Headline</h1><p>First paragraph with &lt;code&gt; and &eacute;t&eacute; &#8364;5.</p>
        <!-- a comment that must vanish -->
        <ul><li>one</li><li>two</li></ul><div>Last<br>line</div><noscript>enable js</noscript></body></html>
        """;

    [Fact]
    public async Task An_allow_listed_page_comes_back_as_text_with_its_title_first()
    {
        await using var site = await FakeHttpServer.StartAsync(web => web.MapGet("/page", () => Results.Content(Page, "text/html; charset=utf-8")));
        await using var app = await TestApp.StartAsync();
        await WebTools.AllowAsync(app, "127.0.0.1");

        var outcome = await WebTools.CallAsync(app, "fetch_url", $$"""{"url": "{{site.BaseAddress}}page"}""");

        Assert.False(outcome.IsError, outcome.Output);
        var lines = outcome.Output.Split('\n');
        Assert.Contains("Title: The Daily & Weekly", lines);
        Assert.Contains("Headline", lines);
        Assert.Contains("First paragraph with <code> and été €5.", lines);
        Assert.Contains("- one", lines);
        Assert.Contains("- two", lines);
        Assert.Contains("Last", lines);
        Assert.Contains("line", lines);
        Assert.DoesNotContain("do-not-show", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("color: red", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("comment", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("enable js", outcome.Output, StringComparison.Ordinal);
        Assert.True(Array.IndexOf(lines, "Title: The Daily & Weekly") < Array.IndexOf(lines, "Headline"));
    }

    [Fact]
    public async Task A_host_name_on_the_allow_list_may_resolve_to_loopback()
    {
        await using var site = await FakeHttpServer.StartAsync(web => web.MapGet("/", () => Results.Text("plain hello", "text/plain")));
        await using var app = await TestApp.StartAsync();
        await WebTools.AllowAsync(app, "localhost");

        var outcome = await WebTools.CallAsync(app, "fetch_url", $$"""{"url": "http://localhost:{{site.Port}}/"}""");

        Assert.False(outcome.IsError, outcome.Output);
        Assert.EndsWith("\n\nplain hello", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirects_within_allowed_hosts_are_followed()
    {
        await using var site = await FakeHttpServer.StartAsync(web =>
        {
            web.MapGet("/old", () => Results.Redirect("/new"));
            web.MapGet("/new", () => Results.Text("arrived", "text/plain"));
        });
        await using var app = await TestApp.StartAsync();
        await WebTools.AllowAsync(app, "127.0.0.0/8");

        var outcome = await WebTools.CallAsync(app, "fetch_url", $$"""{"url": "{{site.BaseAddress}}old"}""");

        Assert.False(outcome.IsError, outcome.Output);
        Assert.Contains($"URL: {site.BaseAddress}new", outcome.Output, StringComparison.Ordinal);
        Assert.EndsWith("arrived", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bodies_are_cut_at_maxBytes()
    {
        var big = new string('a', 200_000);
        await using var site = await FakeHttpServer.StartAsync(web => web.MapGet("/big", () => Results.Text(big, "text/plain")));
        await using var app = await TestApp.StartAsync();
        await WebTools.AllowAsync(app, "127.0.0.1");

        var outcome = await WebTools.CallAsync(app, "fetch_url", $$"""{"url": "{{site.BaseAddress}}big", "maxBytes": 1000}""");

        Assert.False(outcome.IsError, outcome.Output);
        Assert.Contains(new string('a', 1000), outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('a', 1001), outcome.Output, StringComparison.Ordinal);
        Assert.Contains("[truncated: only the first 1000 bytes were read]", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_content_is_reported_not_returned()
    {
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0, 0, 0, 13, 1, 2, 3];
        await using var site = await FakeHttpServer.StartAsync(web => web.MapGet("/img", () => Results.Bytes(png, "image/png")));
        await using var app = await TestApp.StartAsync();
        await WebTools.AllowAsync(app, "127.0.0.1");

        var outcome = await WebTools.CallAsync(app, "fetch_url", $$"""{"url": "{{site.BaseAddress}}img"}""");

        Assert.False(outcome.IsError, outcome.Output);
        Assert.Contains("Binary content (11 bytes) was not returned.", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("PNG", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_stopped_after_20_seconds_on_the_daemon_clock()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var site = await FakeHttpServer.StartAsync(web => web.MapGet("/slow", async (HttpContext context) =>
        {
            arrived.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // the daemon hung up, as it should
            }
        }));
        await using var app = await TestApp.StartAsync();
        await WebTools.AllowAsync(app, "127.0.0.1");

        var call = WebTools.CallAsync(app, "fetch_url", $$"""{"url": "{{site.BaseAddress}}slow"}""");
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(call.IsCompleted);
        app.Time.Advance(TimeSpan.FromSeconds(21));
        var outcome = await call.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(outcome.IsError);
        Assert.Contains("longer than 20 seconds", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_in_a_declared_charset_is_decoded()
    {
        var latin1 = Encoding.Latin1.GetBytes("caf\u00e9 cr\u00e8me");
        await using var site = await FakeHttpServer.StartAsync(web => web.MapGet("/l1", () => Results.Bytes(latin1, "text/plain; charset=iso-8859-1")));
        await using var app = await TestApp.StartAsync();
        await WebTools.AllowAsync(app, "127.0.0.1");

        var outcome = await WebTools.CallAsync(app, "fetch_url", $$"""{"url": "{{site.BaseAddress}}l1"}""");

        Assert.False(outcome.IsError, outcome.Output);
        Assert.EndsWith("caf\u00e9 cr\u00e8me", outcome.Output, StringComparison.Ordinal);
    }
}
