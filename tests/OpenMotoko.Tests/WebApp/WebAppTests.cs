using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenMotoko.Tests.WebApp;

/// <summary>The web app embedded in the daemon, over real HTTP: the files the build produced, as a browser gets them.</summary>
public sealed partial class WebAppTests
{
    [Fact]
    public async Task The_page_is_served_for_the_root_and_client_routes_with_a_strict_policy()
    {
        await using var app = await TestApp.StartAsync();
        foreach (var path in new[] { "/", "/chat", "/chat/abc123", "/settings/theme" })
        {
            using var response = await Get(app, path);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("<div id=\"app\"></div>", html, StringComparison.Ordinal);
            Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", html); // no inline script
            Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
            var csp = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    [Fact]
    public async Task Hashed_assets_are_immutable_with_their_types_and_the_page_names_them()
    {
        await using var app = await TestApp.StartAsync();
        var (script, style) = await AssetPathsAsync(app);

        using var js = await Get(app, script);
        using var css = await Get(app, style);
        using var manifest = await Get(app, "/manifest.webmanifest");
        using var worker = await Get(app, "/sw.js");

        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.Equal("text/javascript", js.Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/manifest+json", manifest.Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/javascript", worker.Content.Headers.ContentType?.MediaType);
        foreach (var asset in new[] { js, css })
        {
            Assert.Equal("public, max-age=31536000, immutable", asset.Headers.CacheControl?.ToString());
        }
        Assert.Equal("no-cache", worker.Headers.CacheControl?.ToString()); // a new worker must be seen at once
        Assert.Contains("/api", await worker.Content.ReadAsStringAsync(), StringComparison.Ordinal); // it names what it never caches
        Assert.True((await js.Content.ReadAsByteArrayAsync()).Length > 1000);
    }

    [Fact]
    public async Task A_strong_etag_answers_304_and_a_changed_one_gets_the_file()
    {
        await using var app = await TestApp.StartAsync();
        var (script, _) = await AssetPathsAsync(app);
        using var first = await Get(app, script);
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);

        using var again = await Get(app, script, ifNoneMatch: etag.Tag);
        using var many = await Get(app, script, ifNoneMatch: $"\"other\", {etag.Tag}");
        using var stale = await Get(app, script, ifNoneMatch: "\"stale\"");
        using var page = await Get(app, "/");
        using var pageAgain = await Get(app, "/chat", ifNoneMatch: page.Headers.ETag!.Tag);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, again.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, many.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await stale.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotModified, pageAgain.StatusCode); // a client route is the page: same tag
    }

    [Theory]
    [InlineData("br, gzip", "br")]
    [InlineData("gzip, deflate, br;q=0.5", "gzip")]
    [InlineData("gzip", "gzip")]
    [InlineData("br;q=0, gzip;q=0", null)]
    [InlineData("*", "br")]
    [InlineData("identity", null)]
    [InlineData(null, null)]
    public async Task The_precompressed_variant_follows_accept_encoding(string? acceptEncoding, string? expected)
    {
        await using var app = await TestApp.StartAsync();
        var (script, _) = await AssetPathsAsync(app);
        using var plain = await Get(app, script);
        var original = await plain.Content.ReadAsByteArrayAsync();

        using var response = await Get(app, script, acceptEncoding: acceptEncoding);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Accept-Encoding", string.Join(",", response.Headers.Vary));
        Assert.Equal(expected, response.Content.Headers.ContentEncoding.SingleOrDefault());
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal(original, Decode(body, expected));
        if (expected is not null)
        {
            Assert.True(body.Length < original.Length / 2, $"{expected} is {body.Length} of {original.Length} bytes");
            Assert.NotEqual(plain.Headers.ETag, response.Headers.ETag); // each representation its own strong tag
        }
    }

    [Fact]
    public async Task A_client_without_gzip_gets_each_file_exactly_as_the_build_wrote_it()
    {
        // Compressed files are embedded as their variants only; the plain answer is the gzip decompressed.
        await using var app = await TestApp.StartAsync();
        var dist = Path.Combine(TestPaths.RepositoryRoot(), "src", "web", "dist");
        var (script, style) = await AssetPathsAsync(app);
        foreach (var path in new[] { "/index.html", script, style, "/sw.js", "/icon.svg" })
        {
            using var response = await Get(app, path, acceptEncoding: "identity");
            var body = await response.Content.ReadAsByteArrayAsync();
            var built = await File.ReadAllBytesAsync(Path.Combine(dist, path.TrimStart('/')));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.Equal(built.Length, response.Content.Headers.ContentLength);
            Assert.Equal(built, body);
            Assert.True(File.Exists(Path.Combine(dist, path.TrimStart('/') + ".gz")), $"{path} has no gzip variant: the test checks nothing");

            using var head = await app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            Assert.Equal(built.Length, head.Content.Headers.ContentLength);
        }
    }

    [Fact]
    public async Task Api_paths_and_missing_files_keep_their_json_404_and_head_has_no_body()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();

        using var v1 = await owner.GetAsync("/v1/nope"); // OpenAI's error shape, as before
        Assert.Equal(HttpStatusCode.NotFound, v1.StatusCode);
        Assert.Equal("application/json", v1.Content.Headers.ContentType?.MediaType);
        foreach (var path in new[] { "/api/nope", "/API/nope", "/assets/gone-12345678.js", "/favicon.png" })
        {
            using var response = await owner.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("NOT_FOUND", body.RootElement.GetProperty("code").GetString());
        }
        using var anonymous = app.CreateClient(); // app.Client holds the login's cookie
        using var anonymousApi = await anonymous.GetAsync("/api/conversations");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousApi.StatusCode); // the app is public, the API is not
        using var post = await anonymous.PostAsync("/chat", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
        Assert.NotEqual("text/html", post.Content.Headers.ContentType?.MediaType);

        using var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.True(head.Content.Headers.ContentLength > 0);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    private static async Task<(string Script, string Style)> AssetPathsAsync(TestApp app)
    {
        using var page = await Get(app, "/");
        var html = await page.Content.ReadAsStringAsync();
        var script = ScriptSrc().Match(html);
        var style = StyleHref().Match(html);
        Assert.True(script.Success && style.Success, html);
        return (script.Groups[1].Value, style.Groups[1].Value);
    }

    private static async Task<HttpResponseMessage> Get(TestApp app, string path, string? ifNoneMatch = null, string? acceptEncoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }
        return await app.Client.SendAsync(request); // HttpClient does not decompress by default: the bytes are as sent
    }

    private static byte[] Decode(byte[] body, string? encoding)
    {
        if (encoding is null)
        {
            return body;
        }
        using var input = new MemoryStream(body);
        using Stream decoder = encoding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    [GeneratedRegex("<script[^>]*\\bsrc=\"(/assets/[^\"]+\\.js)\"")]
    private static partial Regex ScriptSrc();

    [GeneratedRegex("<link[^>]*\\bhref=\"(/assets/[^\"]+\\.css)\"")]
    private static partial Regex StyleHref();
}
