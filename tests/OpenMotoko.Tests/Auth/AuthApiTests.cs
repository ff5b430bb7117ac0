using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Tests.Hosting;

namespace OpenMotoko.Tests.Auth;

public sealed class AuthApiTests
{
    [Fact]
    public async Task Login_returns_token_expiry_and_a_strict_http_only_cookie()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsJsonAsync("/api/auth/login", new { password = TestApp.Password });

        var body = await Envelope.ReadJsonAsync(response);
        Assert.True(body.GetProperty("ok").GetBoolean());
        var token = body.GetProperty("token").GetString()!;
        Assert.True(token.Length >= 32);
        var expiresAt = body.GetProperty("expiresAt").GetInt64();
        Assert.Equal(app.Time.GetUtcNow().AddHours(24 * 30).ToUnixTimeMilliseconds(), expiresAt);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"session={token};", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase); // plain HTTP on loopback
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Bearer_token_and_cookie_both_open_protected_routes()
    {
        await using var app = await TestApp.StartAsync();
        var token = await app.LoginAsync();

        using var bearer = app.CreateClient(token);
        using var byBearer = await bearer.GetAsync("/api/settings");
        Assert.Equal(HttpStatusCode.OK, byBearer.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/settings");
        request.Headers.Add("Cookie", $"session={token}");
        using var byCookie = await app.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, byCookie.StatusCode);

        using var wrong = app.CreateClient("not-a-real-token");
        await Envelope.AssertAsync(await wrong.GetAsync("/api/settings"), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Logout_ends_the_session_and_clears_the_cookie()
    {
        await using var app = await TestApp.StartAsync();
        var token = await app.LoginAsync();
        var other = await app.LoginAsync();
        using var client = app.CreateClient(token);

        using var logout = await client.PostAsync("/api/auth/logout", null);

        var body = await Envelope.ReadJsonAsync(logout);
        Assert.True(body.GetProperty("ok").GetBoolean());
        var cookie = Assert.Single(logout.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("session=;", cookie, StringComparison.Ordinal);
        Assert.Contains("expires=Thu, 01 Jan 1970", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        await Envelope.AssertAsync(await client.GetAsync("/api/settings"), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await Envelope.AssertAsync(await client.PostAsync("/api/auth/logout", null), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        using var stillIn = app.CreateClient(other);
        Assert.Equal(HttpStatusCode.OK, (await stillIn.GetAsync("/api/settings")).StatusCode);
    }

    [Fact]
    public async Task Wrong_password_is_401()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsJsonAsync("/api/auth/login", new { password = "not-the-password" });

        await Envelope.AssertAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("{}", "password")]
    [InlineData("{\"password\":\"\"}", "password")]
    [InlineData("{\"password\":null}", "password")]
    [InlineData("{\"password\":5}", null)]
    [InlineData("[\"x\"]", null)]
    [InlineData("{\"password\":", null)]
    [InlineData("", null)]
    [InlineData("null", null)]
    [InlineData("\"password\"", null)]
    public async Task Missing_or_malformed_body_is_400_with_details(string body, string? path)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsync("/api/auth/login", Envelope.Json(body));

        var envelope = await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        var paths = Envelope.DetailPaths(envelope);
        Assert.NotEmpty(paths);
        if (path is not null)
        {
            Assert.Contains(path, paths);
        }
    }

    [Fact]
    public async Task Login_without_content_type_is_415()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsync("/api/auth/login", new StringContent("{\"password\":\"x\"}"));

        await Envelope.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task Session_expires_after_its_lifetime()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/settings")).StatusCode);

        app.Time.Advance(TimeSpan.FromHours(24 * 30) - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/settings")).StatusCode);

        app.Time.Advance(TimeSpan.FromMinutes(2));
        await Envelope.AssertAsync(await client.GetAsync("/api/settings"), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Session_lifetime_follows_the_setting()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();
        (await owner.PutAsync("/api/settings", Envelope.Json("{\"auth.sessionTtlHours\":1}"))).EnsureSuccessStatusCode();

        using var client = await app.LoginClientAsync();
        app.Time.Advance(TimeSpan.FromMinutes(61));

        await Envelope.AssertAsync(await client.GetAsync("/api/settings"), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Sessions_survive_a_restart_and_are_stored_hashed()
    {
        await using var app = await TestApp.StartAsync();
        var token = await app.LoginAsync();

        await app.RestartAsync();

        using var client = app.CreateClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/settings")).StatusCode);
        var raw = await File.ReadAllBytesAsync(app.DatabasePath);
        var wal = File.Exists(app.DatabasePath + "-wal") ? await File.ReadAllBytesAsync(app.DatabasePath + "-wal") : [];
        Assert.Equal(-1, System.Text.Encoding.ASCII.GetString([.. raw, .. wal]).IndexOf(token, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GET", "/api/settings")]
    [InlineData("PUT", "/api/settings")]
    [InlineData("GET", "/api/settings/budget")]
    [InlineData("PUT", "/api/settings/budget")]
    [InlineData("POST", "/api/auth/logout")]
    public async Task Every_protected_route_is_401_without_a_session(string method, string path)
    {
        await using var app = await TestApp.StartAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "PUT" or "POST" ? Envelope.Json("{}") : null };
        using var response = await app.Client.SendAsync(request);

        await Envelope.AssertAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Every_mapped_route_except_the_public_ones_needs_a_session()
    {
        await using var app = await TestApp.StartAsync();
        var sources = app.Services.GetServices<Microsoft.AspNetCore.Routing.EndpointDataSource>();
        var routes = sources.SelectMany(s => s.Endpoints).OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>().ToList();
        Assert.NotEmpty(routes);

        foreach (var route in routes)
        {
            var methods = route.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var path = "/" + string.Join('/', route.RoutePattern.PathSegments.Select(s =>
                string.Concat(s.Parts.Select(p => p is Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l ? l.Content : "x1"))));
            foreach (var method in methods)
            {
                app.Time.Advance(TimeSpan.FromSeconds(2)); // stay under the anonymous rate limit however many routes there are
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                using var response = await app.Client.SendAsync(request);
                var isPublic = route.Metadata.GetMetadata<OpenMotoko.Hosting.PublicEndpoint>() is not null;
                if (!isPublic)
                {
                    Assert.True(HttpStatusCode.Unauthorized == response.StatusCode, $"{method} {path} answered {(int)response.StatusCode} without a session");
                }
            }
        }
    }
}
