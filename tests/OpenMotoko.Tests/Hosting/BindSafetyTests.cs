using System.Net;
using Microsoft.Extensions.Logging;
using OpenMotoko.Hosting;

namespace OpenMotoko.Tests.Hosting;

public sealed class BindSafetyTests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.168.1.10")]
    public void Without_a_password_the_daemon_refuses_a_non_loopback_host(string host)
    {
        var dataDir = Directory.CreateTempSubdirectory("openmotoko-test-").FullName;
        try
        {
            var options = new DaemonOptions { DataDir = dataDir, Host = host, Port = 0, Environment = EnvironmentSnapshot.Empty, LogLevel = LogLevel.Warning };

            var error = Assert.Throws<StartupException>(() => DaemonHost.Build(options));

            Assert.Contains($"Refusing to listen on {host}", error.Message, StringComparison.Ordinal);
            Assert.Contains("OPENMOTOKO_PASSWORD", error.Message, StringComparison.Ordinal);
            Assert.Contains("openmotoko passwd", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public void Non_loopback_host_from_the_environment_is_refused_too()
    {
        var dataDir = Directory.CreateTempSubdirectory("openmotoko-test-").FullName;
        try
        {
            var environment = new EnvironmentSnapshot(new Dictionary<string, string> { ["OPENMOTOKO_HOST"] = "0.0.0.0" });
            var options = new DaemonOptions { DataDir = dataDir, Port = 0, Environment = environment, LogLevel = LogLevel.Warning };

            Assert.Throws<StartupException>(() => DaemonHost.Build(options));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Without_a_password_the_daemon_starts_on_loopback_and_nobody_can_log_in()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string>());

        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(app.BaseAddress.Host)));
        using var health = await app.Client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var login = await app.Client.PostAsync("/api/auth/login", Envelope.Json("{\"password\":\"anything-at-all\"}"));
        await Envelope.AssertAsync(login, HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task With_a_password_the_daemon_may_bind_every_address()
    {
        var dataDir = Directory.CreateTempSubdirectory("openmotoko-test-").FullName;
        var environment = new EnvironmentSnapshot(new Dictionary<string, string> { ["OPENMOTOKO_PASSWORD"] = TestApp.Password });
        var options = new DaemonOptions { DataDir = dataDir, Host = "0.0.0.0", Port = 0, Environment = environment, LogLevel = LogLevel.Warning };
        await using (var app = DaemonHost.Build(options))
        {
            await app.StartAsync();
            var port = new Uri(app.Urls.First()).Port;
            using var client = new HttpClient();
            using var health = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/api/health"));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            await app.StopAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dataDir, recursive: true);
    }
}
