using System.Net;

namespace OpenMotoko.Tests.Hosting;

public sealed class SecurityHeadersTests
{
    internal static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} response lacks {name}");

    [Fact]
    public async Task Every_response_carries_the_security_headers_including_errors()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();
        using var anonymous = app.CreateClient();

        var responses = new List<HttpResponseMessage>
        {
            await anonymous.GetAsync("/api/health"),
            await owner.GetAsync("/api/settings"),
            await anonymous.GetAsync("/api/settings"), // 401 from the access middleware
            await owner.GetAsync("/api/nope"), // 404 written by the error middleware
            await owner.DeleteAsync("/api/settings"), // 405
            await owner.PutAsync("/api/settings", Envelope.Json("{bad")), // 400 from an exception
            await owner.PutAsync("/api/settings", Envelope.Json("{\"theme\":\"neon\"}")), // 400 validation
            await anonymous.PostAsync("/api/auth/login", Envelope.Json("{\"password\":\"wrong-password\"}")), // 401
            await anonymous.GetAsync("/missing.txt"), // outside /api (the web app's own pages carry its own policy: WebAppTests)
        };
        foreach (var response in responses)
        {
            AssertSecurityHeaders(response);
            response.Dispose();
        }
    }

    [Fact]
    public async Task No_cors_headers_unless_configured()
    {
        await using var app = await TestApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/settings");
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        using var preflight = await app.Client.SendAsync(request);
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        get.Headers.Add("Origin", "https://evil.example");
        using var response = await app.Client.SendAsync(get);

        Assert.DoesNotContain(preflight.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Configured_cors_origin_is_allowed_and_others_are_not()
    {
        await using var app = await TestApp.StartAsync(new()
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["OPENMOTOKO_CORS_ORIGINS"] = "https://ui.example, https://other.example",
        });

        using var allowed = new HttpRequestMessage(HttpMethod.Options, "/api/settings");
        allowed.Headers.Add("Origin", "https://ui.example");
        allowed.Headers.Add("Access-Control-Request-Method", "PUT");
        using var preflight = await app.Client.SendAsync(allowed);
        Assert.Equal("https://ui.example", preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        get.Headers.Add("Origin", "https://ui.example");
        using var response = await app.Client.SendAsync(get);
        Assert.Equal("https://ui.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("X-Run-Id", response.Headers.GetValues("Access-Control-Expose-Headers").Single()); // so a web UI can cancel its run
        AssertSecurityHeaders(response);

        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        other.Headers.Add("Origin", "https://evil.example");
        using var refused = await app.Client.SendAsync(other);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
