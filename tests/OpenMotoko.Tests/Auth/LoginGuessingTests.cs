using System.Net;
using OpenMotoko.Tests.Hosting;
using static OpenMotoko.Tests.Auth.LoginAttemptKit;

namespace OpenMotoko.Tests.Auth;

/// <summary>Guessing from many loopback addresses, or many guesses at once, gets no more tries than the limits say.</summary>
public sealed class LoginGuessingTests
{
    [Fact]
    public async Task Fifty_concurrent_wrong_guesses_from_one_address_check_at_most_five_passwords()
    {
        var (app, logs) = await StartCountingAsync();
        await using var appScope = app;
        using var client = ClientFrom(app, "127.0.0.2");

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => TryLoginAsync(client, "wrong-password")));

        Assert.InRange(logs.FailedLogins, 1, LoginGuardLimits.PerAddress);
        Assert.Equal(50, responses.Count(r => r.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests));
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized) <= LoginGuardLimits.PerAddress - 1);
        await Envelope.AssertAsync(await TryLoginAsync(client, TestApp.Password), HttpStatusCode.TooManyRequests, "LOGIN_LOCKED");
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Eight_addresses_times_five_guesses_pause_logins_for_everyone_after_ten()
    {
        var (app, logs) = await StartCountingAsync();
        await using var appScope = app;
        var codes = new List<string>();

        for (var address = 2; address <= 9; address++)
        {
            using var client = ClientFrom(app, $"127.0.0.{address}");
            for (var guess = 0; guess < 5; guess++)
            {
                using var response = await TryLoginAsync(client, "wrong-password");
                codes.Add($"{address}:{(int)response.StatusCode}");
            }
        }

        Assert.Equal(LoginGuardLimits.Everyone, logs.FailedLogins);
        Assert.All(codes.Where(c => c[0] > '3'), code => Assert.EndsWith(":429", code)); // addresses 4 to 9: not one more guess checked
        using var owner = ClientFrom(app, "127.0.0.50");
        using var paused = await TryLoginAsync(owner, TestApp.Password);
        var envelope = await Envelope.AssertAsync(paused, HttpStatusCode.TooManyRequests, "LOGIN_LOCKED");
        Assert.Contains("everyone", envelope.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.InRange(int.Parse(paused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);

        app.Time.Advance(TimeSpan.FromSeconds(61));
        using var after = await TryLoginAsync(owner, TestApp.Password);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_stranger_who_keeps_guessing_pauses_logins_for_at_most_five_minutes_at_a_time()
    {
        var (app, logs) = await StartCountingAsync();
        await using var appScope = app;
        var pauses = new List<int>();

        // Ten addresses, one guess each whenever logins reopen: the pause grows, then stays at its cap.
        for (var guess = 0; guess < 16; guess++)
        {
            using var client = ClientFrom(app, $"127.0.1.{guess + 2}");
            using var response = await TryLoginAsync(client, "wrong-password");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var seconds = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
                pauses.Add(seconds);
                app.Time.Advance(TimeSpan.FromSeconds(seconds));
            }
        }

        Assert.Equal([60, 120, 240, 300, 300, 300, 300], pauses);
        Assert.Equal(16, logs.FailedLogins);
        using var owner = ClientFrom(app, "127.0.0.50");
        Assert.Equal(HttpStatusCode.OK, (await TryLoginAsync(owner, TestApp.Password)).StatusCode);
    }

    [Fact]
    public async Task The_pause_for_everyone_is_forgotten_after_a_quiet_window()
    {
        var (app, _) = await StartCountingAsync();
        await using var appScope = app;
        for (var address = 2; address <= 11; address++)
        {
            using var client = ClientFrom(app, $"127.0.0.{address}");
            using var _ = await TryLoginAsync(client, "wrong-password");
        }

        app.Time.Advance(TimeSpan.FromMinutes(17));

        using var stranger = ClientFrom(app, "127.0.0.12");
        await Envelope.AssertAsync(await TryLoginAsync(stranger, "wrong-password"), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }
}

/// <summary>The limits the tests expect, spelled out here so a change to them is a visible change to the tests.</summary>
internal static class LoginGuardLimits
{
    public const int PerAddress = 5;
    public const int Everyone = 10;
}
