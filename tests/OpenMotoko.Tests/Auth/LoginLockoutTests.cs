using System.Net;
using System.Net.Http.Json;
using OpenMotoko.Tests.Hosting;

namespace OpenMotoko.Tests.Auth;

public sealed class LoginLockoutTests
{
    private static Task<HttpResponseMessage> TryLoginAsync(TestApp app, string password) =>
        app.Client.PostAsJsonAsync("/api/auth/login", new { password });

    private static async Task FailFiveTimesAsync(TestApp app)
    {
        for (var i = 1; i <= 4; i++)
        {
            await Envelope.AssertAsync(await TryLoginAsync(app, "wrong-password"), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
        await Envelope.AssertAsync(await TryLoginAsync(app, "wrong-password"), HttpStatusCode.TooManyRequests, "LOGIN_LOCKED");
    }

    [Fact]
    public async Task Five_failures_lock_the_address_out_even_for_the_right_password()
    {
        await using var app = await TestApp.StartAsync();

        await FailFiveTimesAsync(app);

        using var response = await TryLoginAsync(app, TestApp.Password);
        await Envelope.AssertAsync(response, HttpStatusCode.TooManyRequests, "LOGIN_LOCKED");
        var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 14 * 60, 15 * 60);
    }

    [Fact]
    public async Task A_successful_login_resets_the_failure_count()
    {
        await using var app = await TestApp.StartAsync();
        for (var i = 0; i < 4; i++)
        {
            await Envelope.AssertAsync(await TryLoginAsync(app, "wrong-password"), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
        await app.LoginAsync();

        for (var i = 0; i < 4; i++)
        {
            await Envelope.AssertAsync(await TryLoginAsync(app, "wrong-password"), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
    }

    [Fact]
    public async Task The_lock_out_is_stored_and_survives_a_restart()
    {
        await using var app = await TestApp.StartAsync();
        await FailFiveTimesAsync(app);

        await app.RestartAsync();

        await Envelope.AssertAsync(await TryLoginAsync(app, TestApp.Password), HttpStatusCode.TooManyRequests, "LOGIN_LOCKED");
    }

    [Fact]
    public async Task The_lock_out_ends_after_its_period()
    {
        await using var app = await TestApp.StartAsync();
        await FailFiveTimesAsync(app);

        app.Time.Advance(TimeSpan.FromMinutes(14));
        await Envelope.AssertAsync(await TryLoginAsync(app, TestApp.Password), HttpStatusCode.TooManyRequests, "LOGIN_LOCKED");

        app.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var response = await TryLoginAsync(app, TestApp.Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task On_the_login_route_the_lock_out_answers_before_the_generic_limit()
    {
        await using var app = await TestApp.StartAsync();
        await FailFiveTimesAsync(app);

        // Far more than the anonymous per-minute limit: every answer still names the lock-out.
        for (var i = 0; i < 80; i++)
        {
            using var response = await TryLoginAsync(app, "wrong-password");
            await Envelope.AssertAsync(response, HttpStatusCode.TooManyRequests, "LOGIN_LOCKED");
        }
    }

    [Fact]
    public async Task Login_attempts_count_against_the_per_client_limit()
    {
        await using var app = await TestApp.StartAsync();
        var codes = new List<string>();

        // Bodies that fail validation neither lock out nor log in, so only the generic limit can stop them.
        for (var i = 0; i < 61; i++)
        {
            using var response = await app.Client.PostAsync("/api/auth/login", Envelope.Json("{}"));
            codes.Add((int)response.StatusCode + (response.StatusCode == HttpStatusCode.TooManyRequests
                ? (await Envelope.AssertAsync(response, HttpStatusCode.TooManyRequests, "RATE_LIMIT_EXCEEDED")).GetProperty("code").GetString()
                : ""));
        }

        Assert.All(codes.Take(60), code => Assert.Equal("400", code));
        Assert.Equal("429RATE_LIMIT_EXCEEDED", codes[60]);
    }
}
