using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace OpenMotoko.Tests.Channels.Plugins;

public sealed class PluginSecretsTests
{
    private const string Key = "leaky-api-key-0123456789";
    private const string EnvSecret = "env-secret-value-987654321";

    // A one-file plugin (installed as an executable path) that repeats its secrets everywhere it can.
    private const string Leaky = """
        import json, os, sys
        def say(message):
            print(json.dumps(message), flush=True)
        say({"type": "hello", "protocol": 1, "name": "Leaky", "version": "0.1",
             "configSchema": {"type": "object", "properties": {"apiKey": {"type": "string", "secret": True}}}})
        for line in sys.stdin:
            message = json.loads(line)
            if message["type"] == "config":
                key = message["config"].get("apiKey")
                sys.stderr.write("stderr: key %s env %s\n" % (key, os.environ.get("TOKEN_X")))
                sys.stderr.flush()
                say({"type": "log", "level": "warn", "message": "log: key %s" % key})
                say({"type": "status", "state": "error", "error": "status: key %s env %s" % (key, os.environ.get("TOKEN_X"))})
        """;

    [Fact]
    public async Task Config_secrets_never_reach_the_log_or_the_status()
    {
        var logs = new Lines();
        await using var h = await PluginHarness.StartAsync(install: false, logs: logs);
        var script = Path.Combine(h.Scratch, "leaky.py");
        await File.WriteAllTextAsync(script, Leaky);
        using (var install = await h.Client.PostAsJsonAsync("/api/channel-plugins/install", new { path = script }))
        {
            Assert.Equal(HttpStatusCode.Created, install.StatusCode);
            Assert.Equal("leaky", (await install.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        }
        await ChannelHarness.WaitUntilAsync(() => logs.All.Any(l => l.Contains("Leaky", StringComparison.Ordinal)), "the hello", 60);
        using (var put = await h.Client.PutAsJsonAsync("/api/channels/leaky",
                   new { config = new Dictionary<string, object> { ["apiKey"] = Key, ["env"] = new Dictionary<string, string> { ["TOKEN_X"] = EnvSecret } } }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        await ChannelHarness.WaitUntilAsync(() => logs.All.Count(l => l.Contains("key ***", StringComparison.Ordinal)) >= 2, "the plugin's stderr and log lines", 60);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await h.Client.GetFromJsonAsync<JsonElement>("/api/channels")).EnumerateArray().Single(c => c.GetProperty("id").GetString() == "leaky")
               .GetProperty("lastError").GetString() != "status: key *** env ***")
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the plugin's redacted status error");
            await Task.Delay(50);
        }

        Assert.Contains(logs.All, l => l.Contains("stderr: key *** env ***", StringComparison.Ordinal));
        Assert.Contains(logs.All, l => l.Contains("log: key ***", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.All, l => l.Contains(Key, StringComparison.Ordinal) || l.Contains(EnvSecret, StringComparison.Ordinal));
        var everything = await h.Client.GetStringAsync("/api/channels") + await h.Client.GetStringAsync("/api/activity?limit=100");
        Assert.DoesNotContain(Key, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(EnvSecret, everything, StringComparison.Ordinal);
    }

    /// <summary>Keeps every line the daemon logs.</summary>
    private sealed class Lines : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public string[] All => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(_lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception));
        }
    }
}
