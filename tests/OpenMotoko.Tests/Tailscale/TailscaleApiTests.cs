using System.Net;
using System.Text.Json;
using OpenMotoko.Tests.Cli;

namespace OpenMotoko.Tests.Tailscale;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TailscaleApiTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("openmotoko-tailscale-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<(TestApp App, HttpClient Client)> StartAsync(string cli)
    {
        var app = await TestApp.StartAsync(new() { ["OPENMOTOKO_PASSWORD"] = TestApp.Password, ["TAILSCALE_CLI"] = cli });
        return (app, await app.LoginClientAsync());
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task Status_and_nodes_come_from_the_cli()
    {
        var fake = new FakeTailscale(_directory, serve: FakeTailscale.Serving);
        var (app, client) = await StartAsync(fake.Path);
        await using var _ = app;

        var status = await JsonAsync(await client.GetAsync("/api/tailscale/status"), HttpStatusCode.OK);
        Assert.True(status.GetProperty("installed").GetBoolean());
        Assert.True(status.GetProperty("running").GetBoolean());
        Assert.Equal("1.76.6-t0c3ee3a5b-g8c1a4c2b7", status.GetProperty("version").GetString());
        Assert.Equal("raspberrypi", status.GetProperty("hostname").GetString());
        Assert.Equal("raspberrypi.tail1234.ts.net", status.GetProperty("dnsName").GetString());
        Assert.Equal("owner@example.com", status.GetProperty("tailnet").GetString());
        Assert.Equal("100.101.102.103", status.GetProperty("ipv4").GetString());
        Assert.Equal("fd7a:115c:a1e0::1a01:6667", status.GetProperty("ipv6").GetString());
        Assert.True(status.GetProperty("online").GetBoolean());
        var serve = status.GetProperty("serve");
        Assert.True(serve.GetProperty("enabled").GetBoolean());
        Assert.Equal("https://raspberrypi.tail1234.ts.net/", serve.GetProperty("url").GetString());
        Assert.Equal(443, serve.GetProperty("port").GetInt32());

        var nodes = await JsonAsync(await client.GetAsync("/api/tailscale/nodes"), HttpStatusCode.OK);
        Assert.Equal(["raspberrypi", "Laptop", "pixel-9"], nodes.EnumerateArray().Select(n => n.GetProperty("hostname").GetString()));
        var phone = nodes[2];
        Assert.Equal("nPhone2CNTRL", phone.GetProperty("id").GetString());
        Assert.Equal("pixel-9.tail1234.ts.net", phone.GetProperty("dnsName").GetString());
        Assert.Equal("android", phone.GetProperty("os").GetString());
        Assert.True(phone.GetProperty("online").GetBoolean());
        Assert.Equal("100.90.1.2", phone.GetProperty("ipv4").GetString());
        Assert.Equal("2026-12-05T11:58:00Z", phone.GetProperty("lastSeen").GetString());
        Assert.Equal(JsonValueKind.Null, nodes[1].GetProperty("ipv6").ValueKind);
        Assert.Equal(["tailscale status --json", "tailscale serve status --json", "tailscale status --json"], fake.Calls);
    }

    [Fact]
    public async Task Serve_start_serves_the_daemons_port_and_answers_the_https_url_and_stop_turns_it_off()
    {
        var fake = new FakeTailscale(_directory);
        var (app, client) = await StartAsync(fake.Path);
        await using var _ = app;

        var started = await JsonAsync(await client.PostAsync("/api/tailscale/serve/start", null), HttpStatusCode.OK);
        Assert.Equal("https://raspberrypi.tail1234.ts.net/", started.GetProperty("url").GetString());
        Assert.Contains($"tailscale serve --bg {app.BaseAddress.Port}", fake.Calls);

        var stopped = await JsonAsync(await client.PostAsync("/api/tailscale/serve/stop", null), HttpStatusCode.OK);
        Assert.True(stopped.GetProperty("stopped").GetBoolean());
        Assert.Equal("tailscale serve --https=443 off", fake.Calls[^1]);
    }

    [Fact]
    public async Task Serve_that_the_tailnet_refuses_is_a_503_with_tailscales_own_hint()
    {
        var fake = new FakeTailscale(_directory, serveExit: 1);
        var (app, client) = await StartAsync(fake.Path);
        await using var _ = app;

        var error = await JsonAsync(await client.PostAsync("/api/tailscale/serve/start", null), HttpStatusCode.ServiceUnavailable);
        Assert.Equal("UNAVAILABLE", error.GetProperty("code").GetString());
        Assert.Contains("login.tailscale.com/f/serve", error.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logged_out_is_running_false_in_status_and_a_503_naming_tailscale_up_elsewhere()
    {
        var fake = new FakeTailscale(_directory, status: FakeTailscale.NeedsLoginStatus);
        var (app, client) = await StartAsync(fake.Path);
        await using var _ = app;

        var status = await JsonAsync(await client.GetAsync("/api/tailscale/status"), HttpStatusCode.OK);
        Assert.True(status.GetProperty("installed").GetBoolean());
        Assert.False(status.GetProperty("running").GetBoolean());
        Assert.False(status.GetProperty("serve").GetProperty("enabled").GetBoolean());
        foreach (var response in new[] { await client.GetAsync("/api/tailscale/nodes"), await client.PostAsync("/api/tailscale/serve/start", null) })
        {
            var error = await JsonAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("UNAVAILABLE", error.GetProperty("code").GetString());
            Assert.Contains("sudo tailscale up", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
        Assert.DoesNotContain(fake.Calls, c => c.StartsWith("tailscale serve", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_cli_is_installed_false_and_a_503_naming_the_install()
    {
        var (app, client) = await StartAsync(Path.Combine(_directory, "no-tailscale-here"));
        await using var _ = app;

        var status = await JsonAsync(await client.GetAsync("/api/tailscale/status"), HttpStatusCode.OK);
        Assert.False(status.GetProperty("installed").GetBoolean());
        var error = await JsonAsync(await client.PostAsync("/api/tailscale/serve/stop", null), HttpStatusCode.ServiceUnavailable);
        Assert.Contains("tailscale up", error.GetProperty("error").GetString(), StringComparison.Ordinal);

        using var anonymous = new HttpClient { BaseAddress = app.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/tailscale/status")).StatusCode);
    }
}
