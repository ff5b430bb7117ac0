namespace OpenMotoko.Tests.Settings;

public sealed class SettingsEnvironmentTests
{
    [Theory]
    [InlineData("OPENMOTOKO_PORT", "not-a-port", "app.port")]
    [InlineData("OPENMOTOKO_HOST", "0.0.0.0:80", "app.host")]
    [InlineData("OPENMOTOKO_OWNER_RATE_LIMIT", "-3", "auth.ownerRateLimit")]
    public void An_unusable_openmotoko_variable_stops_the_start_with_its_name(string variable, string value, string key)
    {
        var dataDir = Directory.CreateTempSubdirectory("openmotoko-test-").FullName;
        try
        {
            var environment = new OpenMotoko.Hosting.EnvironmentSnapshot(new Dictionary<string, string> { [variable] = value, ["OPENMOTOKO_PASSWORD"] = TestApp.Password });
            var options = new OpenMotoko.Hosting.DaemonOptions { DataDir = dataDir, Port = 0, Environment = environment };

            var error = Assert.Throws<OpenMotoko.Hosting.StartupException>(() => OpenMotoko.Hosting.DaemonHost.Build(options));

            Assert.Contains(variable, error.Message, StringComparison.Ordinal);
            Assert.Contains(key, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task OPENMOTOKO_PORT_0_picks_a_free_port()
    {
        var dataDir = Directory.CreateTempSubdirectory("openmotoko-test-").FullName;
        var environment = new OpenMotoko.Hosting.EnvironmentSnapshot(new Dictionary<string, string> { ["OPENMOTOKO_PORT"] = "0" });
        await using (var app = OpenMotoko.Hosting.DaemonHost.Build(new OpenMotoko.Hosting.DaemonOptions { DataDir = dataDir, Environment = environment }))
        {
            await app.StartAsync();
            Assert.NotEqual(0, new Uri(app.Urls.First()).Port);
            await app.StopAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task A_provider_variable_that_does_not_fit_is_ignored_not_fatal()
    {
        // OLLAMA_HOST is also Ollama's own bind variable ("0.0.0.0:11434"): not ours to refuse.
        await using var app = await TestApp.StartAsync(new() { ["OPENMOTOKO_PASSWORD"] = TestApp.Password, ["OLLAMA_HOST"] = "0.0.0.0:11434" });
        using var owner = await app.LoginClientAsync();

        var settings = await OpenMotoko.Tests.Hosting.Envelope.ReadJsonAsync(await owner.GetAsync("/api/settings"));

        Assert.Equal("http://localhost:11434", settings.GetProperty("ollamaHost").GetString());
    }
}

public sealed class SettingsConcurrencyTests
{
    private static readonly string[] Keys = ["systemPrompt", "defaultModel", "llm.alias.fast", "llm.alias.balanced", "llm.alias.smart"];

    [Fact]
    public async Task Concurrent_writes_of_different_keys_are_all_served_without_a_restart()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();

        for (var round = 0; round < 40; round++)
        {
            await Task.WhenAll(Keys.Select(async key =>
                (await owner.PutAsync("/api/settings", OpenMotoko.Tests.Hosting.Envelope.Json($"{{\"{key}\":\"{key}-{round}\"}}"))).EnsureSuccessStatusCode()));

            var settings = await OpenMotoko.Tests.Hosting.Envelope.ReadJsonAsync(await owner.GetAsync("/api/settings"));
            foreach (var key in Keys)
            {
                Assert.Equal($"{key}-{round}", settings.GetProperty(key).GetString());
            }
        }
    }
}
