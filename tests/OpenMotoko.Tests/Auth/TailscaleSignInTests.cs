using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Tests.Hosting;

namespace OpenMotoko.Tests.Auth;

/// <summary>
/// Sign-in by Tailscale identity: only with auth.tailscaleIdentity on, only for a listed login, only for a
/// request from loopback whose single X-Forwarded-For is a tailnet address (what 'tailscale serve' sends).
/// </summary>
public sealed class TailscaleSignInTests
{
    private const string Owner = "owner@example.com";

    private static async Task EnableAsync(TestApp app)
    {
        using var owner = await app.LoginClientAsync();
        using var response = await owner.PutAsJsonAsync("/api/settings", new Dictionary<string, object>
        {
            ["auth.tailscaleIdentity"] = true,
            ["auth.tailscaleUsers"] = new[] { Owner },
        });
        response.EnsureSuccessStatusCode();
    }

    private static async Task<HttpResponseMessage> SignInAsync(TestApp app, string? login, params string[] forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/tailscale");
        if (login is not null)
        {
            request.Headers.Add("Tailscale-User-Login", login);
        }
        foreach (var address in forwardedFor)
        {
            request.Headers.Add("X-Forwarded-For", address);
        }
        return await app.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task A_listed_login_through_tailscale_serve_gets_a_working_session()
    {
        await using var app = await TestApp.StartAsync();
        await EnableAsync(app);

        using var signedIn = await SignInAsync(app, "Owner@Example.com", "100.101.102.103");
        using var viaV6 = await SignInAsync(app, Owner, "fd7a:115c:a1e0::1");

        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaV6.StatusCode);
        Assert.Contains("httponly", Assert.Single(signedIn.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        using var body = JsonDocument.Parse(await signedIn.Content.ReadAsStringAsync());
        using var client = app.CreateClient(body.RootElement.GetProperty("token").GetString());
        using var settings = await client.GetAsync("/api/settings");
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
    }

    [Fact]
    public async Task It_is_off_unless_turned_on()
    {
        await using var app = await TestApp.StartAsync();

        using var refused = await SignInAsync(app, Owner, "100.101.102.103");

        await Envelope.AssertAsync(refused, HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Theory]
    [InlineData("stranger@example.com", "100.101.102.103")] // not in the list
    [InlineData(null, "100.101.102.103")] // no login header
    [InlineData(Owner, null)] // not forwarded by tailscale serve
    [InlineData(Owner, "203.0.113.5")] // forwarded for a public address (another proxy in front)
    [InlineData(Owner, "203.0.113.5, 100.101.102.103")] // a chain: someone outside is behind it
    [InlineData(Owner, "100.128.0.1")] // just outside 100.64.0.0/10
    public async Task Anything_else_is_refused_and_gets_no_session(string? login, string? forwardedFor)
    {
        await using var app = await TestApp.StartAsync();
        await EnableAsync(app);

        using var refused = forwardedFor is null ? await SignInAsync(app, login) : await SignInAsync(app, login, forwardedFor);

        await Envelope.AssertAsync(refused, HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.False(refused.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task It_still_sees_the_direct_peer_when_loopback_is_a_trusted_proxy()
    {
        // With 127.0.0.1 trusted (HTTPS cookies through tailscale serve), the forwarded-headers step makes
        // the tailnet client the peer; the sign-in still judges the connection as it arrived.
        await using var app = await TestApp.StartAsync(new Dictionary<string, string>
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["OPENMOTOKO_TRUSTED_PROXIES"] = "127.0.0.1",
        });
        await EnableAsync(app);

        using var signedIn = await SignInAsync(app, Owner, "100.101.102.103");
        using var publicClient = await SignInAsync(app, Owner, "198.51.100.7");

        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        await Envelope.AssertAsync(publicClient, HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Theory]
    [InlineData("192.0.2.10")] // a peer on the network
    [InlineData("100.101.102.103")] // a tailnet device connecting directly, not through tailscale serve
    [InlineData("::ffff:198.51.100.7")]
    public void A_peer_that_is_not_loopback_is_never_trusted(string peer)
    {
        Assert.False(OpenMotoko.Auth.TailscaleSignIn.CameThroughTailscaleServe(IPAddress.Parse(peer), "100.101.102.103"));
        Assert.True(OpenMotoko.Auth.TailscaleSignIn.CameThroughTailscaleServe(IPAddress.Loopback, "100.101.102.103"));
        Assert.True(OpenMotoko.Auth.TailscaleSignIn.CameThroughTailscaleServe(IPAddress.Parse("::ffff:127.0.0.1"), "100.101.102.103"));
    }
}
