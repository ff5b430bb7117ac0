using System.Net;
using System.Net.Http.Json;

namespace OpenMotoko.Tests.Hosting;

/// <summary>X-Forwarded-For and X-Forwarded-Proto count only from the proxies in OPENMOTOKO_TRUSTED_PROXIES.</summary>
public sealed class TrustedProxyTests
{
    private static async Task<HttpResponseMessage> LoginAsync(TestApp app, string password, string? forwardedFor = null, string? forwardedProto = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { password }) };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }
        return await app.CreateClient().SendAsync(request);
    }

    private static Task<TestApp> StartBehindProxyAsync() => TestApp.StartAsync(new Dictionary<string, string>
    {
        ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
        ["OPENMOTOKO_TRUSTED_PROXIES"] = "10.9.9.9, 127.0.0.1",
    });

    [Fact]
    public async Task Without_trusted_proxies_forwarded_headers_are_ignored()
    {
        await using var app = await TestApp.StartAsync();

        using var login = await LoginAsync(app, TestApp.Password, forwardedProto: "https");
        for (var i = 0; i < 5; i++)
        {
            using var _ = await LoginAsync(app, "wrong-password", forwardedFor: $"203.0.113.{i + 1}");
        }
        using var locked = await LoginAsync(app, TestApp.Password, forwardedFor: "203.0.113.99");

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.DoesNotContain("secure", Assert.Single(login.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        await Envelope.AssertAsync(locked, HttpStatusCode.TooManyRequests, "LOGIN_LOCKED"); // the real address was counted each time
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_cookie_is_secure_over_https_and_lock_outs_are_per_forwarded_address()
    {
        await using var app = await StartBehindProxyAsync();

        using var secure = await LoginAsync(app, TestApp.Password, "198.51.100.7", "https");
        using var plain = await LoginAsync(app, TestApp.Password, "198.51.100.7", "http");
        for (var i = 0; i < 5; i++)
        {
            using var _ = await LoginAsync(app, "wrong-password", "10.0.0.1, 203.0.113.5");
        }
        using var lockedOut = await LoginAsync(app, TestApp.Password, "203.0.113.5");
        using var other = await LoginAsync(app, TestApp.Password, "203.0.113.6");

        Assert.Contains("secure", Assert.Single(secure.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", Assert.Single(plain.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        await Envelope.AssertAsync(lockedOut, HttpStatusCode.TooManyRequests, "LOGIN_LOCKED");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_own_origin_is_the_https_one_the_browser_used()
    {
        await using var app = await StartBehindProxyAsync();
        var token = await app.LoginAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/skills/memory/toggle");
        request.Headers.Add("Cookie", $"session={token}");
        request.Headers.Add("Origin", $"https://127.0.0.1:{app.BaseAddress.Port}");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
