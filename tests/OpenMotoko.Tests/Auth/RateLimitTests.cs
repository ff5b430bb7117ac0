using System.Net;
using OpenMotoko.Tests.Hosting;

namespace OpenMotoko.Tests.Auth;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Unauthenticated_clients_get_at_least_30_a_minute_then_429()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();
        app.Time.Advance(TimeSpan.FromMinutes(1)); // the login counted; start a fresh window
        using var anonymous = app.CreateClient();
        var allowed = 0;
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 200 && limited is null; i++)
        {
            var response = await anonymous.GetAsync("/api/settings");
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                allowed++;
                response.Dispose();
            }
            else
            {
                limited = response;
            }
        }

        Assert.InRange(allowed, 30, 120);
        Assert.NotNull(limited);
        await Envelope.AssertAsync(limited, HttpStatusCode.TooManyRequests, "RATE_LIMIT_EXCEEDED");
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        limited.Dispose();

        // The owner's session is counted apart from anonymous callers at the same address.
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/api/settings")).StatusCode);

        // The window passes: the anonymous client may try again.
        app.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/settings")).StatusCode);
    }

    [Fact]
    public async Task Health_is_never_rate_limited()
    {
        await using var app = await TestApp.StartAsync();
        for (var i = 0; i < 150; i++)
        {
            using var response = await app.Client.GetAsync("/api/health");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_owner_limit_is_generous_by_default()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();

        var settings = await Envelope.ReadJsonAsync(await owner.GetAsync("/api/settings"));
        Assert.True(settings.GetProperty("auth.ownerRateLimit").GetInt32() >= 1000);
        for (var i = 0; i < 300; i++)
        {
            using var response = await owner.GetAsync("/api/settings");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_owner_limit_follows_the_setting()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();
        (await owner.PutAsync("/api/settings", Envelope.Json("{\"auth.ownerRateLimit\":40}"))).EnsureSuccessStatusCode();
        app.Time.Advance(TimeSpan.FromMinutes(1)); // a fresh window

        for (var i = 0; i < 40; i++)
        {
            using var ok = await owner.GetAsync("/api/settings");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        await Envelope.AssertAsync(await owner.GetAsync("/api/settings"), HttpStatusCode.TooManyRequests, "RATE_LIMIT_EXCEEDED");

        app.Time.Advance(TimeSpan.FromMinutes(1));
        (await owner.PutAsync("/api/settings", Envelope.Json("{\"auth.ownerRateLimit\":0}"))).EnsureSuccessStatusCode();
        for (var i = 0; i < 100; i++)
        {
            using var ok = await owner.GetAsync("/api/settings");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode); // 0 means no limit
        }
    }

    [Fact]
    public async Task The_owner_limit_can_come_from_the_environment()
    {
        await using var app = await TestApp.StartAsync(new()
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["OPENMOTOKO_OWNER_RATE_LIMIT"] = "5",
        });
        using var owner = await app.LoginClientAsync();
        app.Time.Advance(TimeSpan.FromMinutes(1));

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/api/settings")).StatusCode);
        }
        await Envelope.AssertAsync(await owner.GetAsync("/api/settings"), HttpStatusCode.TooManyRequests, "RATE_LIMIT_EXCEEDED");
    }
}
