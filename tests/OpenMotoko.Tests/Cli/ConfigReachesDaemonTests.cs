using System.Net;
using System.Text.Json;
using OpenMotoko.Storage;

namespace OpenMotoko.Tests.Cli;

/// <summary>`openmotoko config set` beside a live daemon: the change reaches it within one watcher poll, like PUT /api/settings.</summary>
[Collection("cli")]
public sealed class ConfigReachesDaemonTests
{
    [Fact]
    public async Task A_setting_changed_by_the_CLI_reaches_the_running_daemon_within_a_poll()
    {
        var dataDir = Cli.TempDir();
        try
        {
            await using var app = await TestApp.StartAsync(dataDir: dataDir);
            using var owner = await app.LoginClientAsync();
            Assert.Equal("system", await ThemeAsync(owner));

            var set = await Cli.RunAsync(["config", "set", "theme", "dark", "--data-dir", dataDir]);
            Assert.Equal(0, set.ExitCode);
            Assert.DoesNotContain("restart", set.All, StringComparison.OrdinalIgnoreCase); // no "reads settings at start" any more
            Assert.Equal("system", await ThemeAsync(owner)); // not yet: the daemon's clock has not moved

            app.Time.Advance(DataVersionWatcher.Interval);
            Assert.Equal("dark", await ThemeAsync(owner));

            Assert.Equal(0, (await Cli.RunAsync(["config", "unset", "theme", "--data-dir", dataDir])).ExitCode);
            app.Time.Advance(DataVersionWatcher.Interval);
            Assert.Equal("system", await ThemeAsync(owner));
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }

    [Fact]
    public async Task A_secret_set_by_the_CLI_is_redacted_by_the_running_daemon_as_one_set_through_the_API()
    {
        var dataDir = Cli.TempDir();
        try
        {
            await using var app = await TestApp.StartAsync(dataDir: dataDir);
            using var owner = await app.LoginClientAsync();
            const string secret = "sk-cli-reaches-daemon-0123456789";
            Assert.Equal(0, (await Cli.RunAsync(["config", "set", "openaiApiKey", secret, "--data-dir", dataDir])).ExitCode);
            app.Time.Advance(DataVersionWatcher.Interval);

            using var settings = JsonDocument.Parse(await owner.GetStringAsync("/api/settings"));
            var shown = settings.RootElement.GetProperty("openaiApiKey").GetString();
            Assert.NotNull(shown);
            Assert.DoesNotContain("0123456789", shown, StringComparison.Ordinal);
            Assert.EndsWith("6789", shown, StringComparison.Ordinal); // masked, so the daemon holds the new key
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }

    private static async Task<string?> ThemeAsync(HttpClient owner)
    {
        using var response = await owner.GetAsync("/api/settings");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("theme").GetString();
    }
}
