using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenMotoko.Hosting;

namespace OpenMotoko.Tests.Hosting;

/// <summary>A DNS-rebinding page reaches the daemon under the attacker's host name: such requests are refused.</summary>
public sealed class HostCheckTests
{
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string host, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Host = host;
        return await client.SendAsync(request);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("127.0.0.1.evil.example")]
    [InlineData("localhost.evil.example")]
    public async Task A_rebinding_host_name_is_421_even_for_login(string host)
    {
        await using var app = await TestApp.StartAsync();
        var port = app.BaseAddress.Port;

        using var health = await SendAsync(app.Client, HttpMethod.Get, "/api/health", $"{host}:{port}");
        using var login = await SendAsync(app.Client, HttpMethod.Post, "/api/auth/login", $"{host}:{port}", Envelope.Json($$"""{"password":"{{TestApp.Password}}"}"""));
        using var v1 = await SendAsync(app.Client, HttpMethod.Get, "/v1/models", host);

        await Envelope.AssertAsync(health, HttpStatusCode.MisdirectedRequest, "MISDIRECTED_REQUEST");
        await Envelope.AssertAsync(login, HttpStatusCode.MisdirectedRequest, "MISDIRECTED_REQUEST");
        Assert.False(login.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.MisdirectedRequest, v1.StatusCode);
        var error = JsonDocument.Parse(await v1.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("misdirected_request", error.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST.")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("[::1]")]
    [InlineData("pi.example.net")]
    public async Task Loopback_names_the_bind_address_and_listed_names_are_answered(string host)
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string>
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["OPENMOTOKO_ALLOWED_HOSTS"] = "other.example.net, Pi.Example.Net",
        });

        using var withPort = await SendAsync(app.Client, HttpMethod.Get, "/api/health", $"{host}:{app.BaseAddress.Port}");
        using var withoutPort = await SendAsync(app.Client, HttpMethod.Get, "/api/health", host);

        Assert.Equal(HttpStatusCode.OK, withPort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withoutPort.StatusCode);
    }

    [Fact]
    public async Task Bound_to_every_address_any_ip_address_is_answered_but_names_still_need_the_list()
    {
        var dataDir = Directory.CreateTempSubdirectory("openmotoko-test-").FullName;
        var environment = new EnvironmentSnapshot(new Dictionary<string, string> { ["OPENMOTOKO_PASSWORD"] = TestApp.Password });
        var options = new DaemonOptions { DataDir = dataDir, Host = "0.0.0.0", Port = 0, Environment = environment, LogLevel = LogLevel.Warning };
        await using (var app = DaemonHost.Build(options))
        {
            await app.StartAsync();
            var port = new Uri(app.Urls.First()).Port;
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

            using var address = await SendAsync(client, HttpMethod.Get, "/api/health", $"192.0.2.10:{port}");
            using var name = await SendAsync(client, HttpMethod.Get, "/api/health", $"evil.example:{port}");

            Assert.Equal(HttpStatusCode.OK, address.StatusCode);
            Assert.Equal(HttpStatusCode.MisdirectedRequest, name.StatusCode);
            await app.StopAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dataDir, recursive: true);
    }

    [Theory]
    [InlineData("OPENMOTOKO_ALLOWED_HOSTS", "https://pi.example.net/")]
    [InlineData("OPENMOTOKO_ALLOWED_HOSTS", "pi.example.net:8443")]
    [InlineData("OPENMOTOKO_TRUSTED_PROXIES", "proxy.local")]
    [InlineData("OPENMOTOKO_CORS_ORIGINS", "*")]
    [InlineData("OPENMOTOKO_CORS_ORIGINS", "https://a.example,*")]
    [InlineData("OPENMOTOKO_CORS_ORIGINS", "chat.example.com")]
    [InlineData("OPENMOTOKO_CORS_ORIGINS", "https://chat.example.com/app")]
    public void A_list_entry_that_is_not_what_its_variable_holds_stops_the_start_naming_it(string name, string value)
    {
        var environment = new EnvironmentSnapshot(new Dictionary<string, string> { [name] = value });

        var error = Assert.Throws<StartupException>(() => DaemonOptions.FromEnvironment("/d", null, null, environment));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains(value.Split(',')[^1], error.Message, StringComparison.Ordinal);
    }
}
