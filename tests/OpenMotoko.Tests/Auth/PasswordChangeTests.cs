using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Auth;
using OpenMotoko.Tests.Hosting;

namespace OpenMotoko.Tests.Auth;

/// <summary>POST /api/auth/password: the signed-in owner changes the stored password.</summary>
public sealed class PasswordChangeTests
{
    private const string First = "first-password-1";
    private const string Second = "second-password-2";

    /// <summary>A daemon whose password is stored (as `openmotoko passwd` stores it), not from the environment.</summary>
    private static async Task<TestApp> StartWithStoredPasswordAsync()
    {
        var app = await TestApp.StartAsync(new Dictionary<string, string>());
        await app.Services.GetRequiredService<OwnerPassword>().SetAsync(First);
        return app;
    }

    private static Task<HttpResponseMessage> ChangeAsync(HttpClient client, object body) =>
        client.PostAsJsonAsync("/api/auth/password", body);

    [Fact]
    public async Task Success_keeps_the_callers_session_ends_the_others_and_only_the_new_password_signs_in()
    {
        await using var app = await StartWithStoredPasswordAsync();
        using var caller = app.CreateClient(await app.LoginAsync(First));
        using var other = app.CreateClient(await app.LoginAsync(First));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/settings")).StatusCode);

        using var response = await ChangeAsync(caller, new { current = First, @new = Second });

        Assert.True((await Envelope.ReadJsonAsync(response)).GetProperty("ok").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await caller.GetAsync("/api/settings")).StatusCode);
        await Envelope.AssertAsync(await other.GetAsync("/api/settings"), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await Envelope.AssertAsync(await app.Client.PostAsJsonAsync("/api/auth/login", new { password = First }), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.False(string.IsNullOrEmpty(await app.LoginAsync(Second)));
    }

    [Fact]
    public async Task The_new_password_is_stored_hashed_and_survives_a_restart()
    {
        await using var app = await StartWithStoredPasswordAsync();
        using var caller = app.CreateClient(await app.LoginAsync(First));
        (await ChangeAsync(caller, new { current = First, @new = Second })).EnsureSuccessStatusCode();

        await app.RestartAsync();

        Assert.False(string.IsNullOrEmpty(await app.LoginAsync(Second)));
        foreach (var file in new[] { app.DatabasePath, app.DatabasePath + "-wal" }.Where(File.Exists))
        {
            Assert.DoesNotContain(Second, await File.ReadAllTextAsync(file, System.Text.Encoding.Latin1), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_wrong_current_password_is_refused_and_changes_nothing()
    {
        await using var app = await StartWithStoredPasswordAsync();
        using var caller = app.CreateClient(await app.LoginAsync(First));

        var envelope = await Envelope.AssertAsync(await ChangeAsync(caller, new { current = "not-the-password", @new = Second }),
            HttpStatusCode.BadRequest, "VALIDATION_ERROR");

        Assert.Equal(["current"], Envelope.DetailPaths(envelope));
        Assert.Equal(HttpStatusCode.OK, (await caller.GetAsync("/api/settings")).StatusCode); // still signed in
        Assert.False(string.IsNullOrEmpty(await app.LoginAsync(First)));
    }

    [Fact]
    public async Task Wrong_current_passwords_count_as_failed_logins_and_lock_out()
    {
        await using var app = await StartWithStoredPasswordAsync();
        using var caller = app.CreateClient(await app.LoginAsync(First));
        for (var i = 1; i < LoginGuard.MaxFailures; i++)
        {
            await Envelope.AssertAsync(await ChangeAsync(caller, new { current = $"wrong-guess-{i}", @new = Second }), HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        }

        using var locked = await ChangeAsync(caller, new { current = "wrong-guess-5", @new = Second });
        await Envelope.AssertAsync(locked, HttpStatusCode.TooManyRequests, "LOGIN_LOCKED");
        Assert.NotNull(locked.Headers.RetryAfter);

        // Locked means locked, even for the right password, and the login route agrees.
        await Envelope.AssertAsync(await ChangeAsync(caller, new { current = First, @new = Second }), HttpStatusCode.TooManyRequests, "LOGIN_LOCKED");
        await Envelope.AssertAsync(await app.Client.PostAsJsonAsync("/api/auth/login", new { password = First }), HttpStatusCode.TooManyRequests, "LOGIN_LOCKED");
    }

    [Theory]
    [InlineData("{\"current\":\"first-password-1\",\"new\":\"short\"}", "new")]
    [InlineData("{\"current\":\"first-password-1\"}", "new")]
    [InlineData("{\"new\":\"second-password-2\"}", "current")]
    [InlineData("{\"current\":1,\"new\":\"second-password-2\"}", "current")]
    [InlineData("{\"current\":\"first-password-1\",\"new\":\"second-password-2\",\"confirm\":\"x\"}", "confirm")]
    [InlineData("[]", "$")]
    public async Task Bad_bodies_are_400_naming_the_field_and_change_nothing(string body, string path)
    {
        await using var app = await StartWithStoredPasswordAsync();
        using var caller = app.CreateClient(await app.LoginAsync(First));

        var envelope = await Envelope.AssertAsync(await caller.PostAsync("/api/auth/password", Envelope.Json(body)), HttpStatusCode.BadRequest, "VALIDATION_ERROR");

        Assert.Contains(path, Envelope.DetailPaths(envelope));
        Assert.False(string.IsNullOrEmpty(await app.LoginAsync(First)));
    }

    [Fact]
    public async Task The_short_password_message_is_the_one_passwd_gives()
    {
        await using var app = await StartWithStoredPasswordAsync();
        using var caller = app.CreateClient(await app.LoginAsync(First));

        var envelope = await Envelope.AssertAsync(await ChangeAsync(caller, new { current = First, @new = "1234567" }), HttpStatusCode.BadRequest, "VALIDATION_ERROR");

        Assert.Equal(OwnerPassword.Problem("1234567"), envelope.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_password_from_OPENMOTOKO_PASSWORD_cannot_be_changed_here()
    {
        await using var app = await TestApp.StartAsync();
        using var caller = app.CreateClient(await app.LoginAsync());

        var envelope = await Envelope.AssertAsync(await ChangeAsync(caller, new { current = TestApp.Password, @new = Second }), HttpStatusCode.Conflict, "CONFLICT");

        Assert.Contains("OPENMOTOKO_PASSWORD", envelope.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await caller.GetAsync("/api/settings")).StatusCode);
        Assert.False(string.IsNullOrEmpty(await app.LoginAsync()));
    }

    [Fact]
    public async Task Without_a_session_it_is_401()
    {
        await using var app = await StartWithStoredPasswordAsync();

        await Envelope.AssertAsync(await ChangeAsync(app.Client, new { current = First, @new = Second }), HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.False(string.IsNullOrEmpty(await app.LoginAsync(First)));
    }
}
