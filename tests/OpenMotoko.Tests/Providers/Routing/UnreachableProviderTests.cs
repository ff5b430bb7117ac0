using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenMotoko.Providers;
using OpenMotoko.Tests.Auth;

namespace OpenMotoko.Tests.Providers.Routing;

/// <summary>An Ollama that does not answer: asked once per wait, logged once, shown as unreachable; an unset one is not asked at all.</summary>
public sealed class UnreachableProviderTests
{
    private static JsonElement Ollama(JsonElement root) =>
        root.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("id").GetString() == "ollama");

    [Fact]
    public async Task An_unreachable_Ollama_is_probed_once_logged_once_and_reported_unreachable()
    {
        using var dead = new ClosingServer();
        var logs = new CapturedLogs();
        await using var app = await TestApp.StartAsync(new()
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["OLLAMA_HOST"] = $"http://127.0.0.1:{dead.Port}",
        }, configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
        using var client = await app.LoginClientAsync();

        using (var first = JsonDocument.Parse(await client.GetStringAsync("/api/models")))
        {
            var ollama = Ollama(first.RootElement);
            Assert.True(ollama.GetProperty("configured").GetBoolean());
            Assert.False(ollama.GetProperty("reachable").GetBoolean());
            Assert.Contains("Could not reach Ollama", ollama.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.True(first.RootElement.GetProperty("providers").EnumerateArray()
                .Where(p => p.GetProperty("id").GetString() != "ollama").All(p => p.GetProperty("reachable").GetBoolean()));
        }
        var probe = dead.Connections;
        Assert.True(probe >= 1);
        using (var again = JsonDocument.Parse(await client.GetStringAsync("/api/models")))
        {
            Assert.False(Ollama(again.RootElement).GetProperty("reachable").GetBoolean());
        }
        using (var v1 = await client.GetAsync("/v1/models"))
        {
            Assert.Equal(HttpStatusCode.OK, v1.StatusCode);
        }
        Assert.Equal(probe, dead.Connections); // the remembered answer, not a new probe
        Assert.Equal(1, logs.Count("Provider ollama cannot be reached"));

        app.Time.Advance(ProviderReachability.AskAgainAfter);
        using (var later = JsonDocument.Parse(await client.GetStringAsync("/api/models")))
        {
            Assert.False(Ollama(later.RootElement).GetProperty("reachable").GetBoolean());
        }
        Assert.True(dead.Connections > probe); // asked again once the wait is over
        Assert.Equal(1, logs.Count("Provider ollama cannot be reached")); // still down: nothing new to say
        Assert.Equal(0, logs.Count("Listing the models of ollama failed"));
    }

    [Fact]
    public async Task Ollama_without_a_host_is_not_configured_and_not_asked()
    {
        var logs = new CapturedLogs();
        await using var app = await TestApp.StartAsync(configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
        using var client = await app.LoginClientAsync();

        using var body = JsonDocument.Parse(await client.GetStringAsync("/api/models"));
        var ollama = Ollama(body.RootElement);
        Assert.False(ollama.GetProperty("configured").GetBoolean());
        Assert.True(ollama.GetProperty("reachable").GetBoolean());
        Assert.False(ollama.TryGetProperty("error", out _));
        Assert.Equal(0, ollama.GetProperty("models").GetArrayLength());
        using var v1 = JsonDocument.Parse(await client.GetStringAsync("/v1/models"));
        Assert.DoesNotContain(v1.RootElement.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString()!.StartsWith("ollama/", StringComparison.Ordinal));
        Assert.Equal(0, logs.Count("ollama"));
    }

    /// <summary>Accepts TCP connections and closes them at once, counting them: a server that never answers HTTP.</summary>
    private sealed class ClosingServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private int _connections;

        public ClosingServer()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public int Connections => Volatile.Read(ref _connections);

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    using var socket = await _listener.AcceptSocketAsync();
                    Interlocked.Increment(ref _connections);
                    socket.Close();
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // stopped
            }
        }

        public void Dispose() => _listener.Stop();
    }
}
