using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenMotoko.Hosting;

namespace OpenMotoko.Tests;

/// <summary>
/// The real daemon pipeline on a loopback port, with a temp data dir (a real SQLite file) and a
/// fake clock. Every test builds its own, so tests run in parallel without sharing state.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    public const string Password = "test-password-1";

    private readonly Dictionary<string, string> _environment;
    private WebApplication? _app;
    private Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? _configureServices;
    private LogLevel _logLevel = LogLevel.Warning;

    private TestApp(string dataDir, Dictionary<string, string> environment, TestClock time)
    {
        DataDir = dataDir;
        _environment = environment;
        Time = time;
    }

    public string DataDir { get; }
    public TestClock Time { get; }
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The running host's services, for assertions that look inside (e.g. the database path).</summary>
    public IServiceProvider Services => _app!.Services;

    public string DatabasePath => Path.Combine(DataDir, "openmotoko.db");

    /// <summary>Starts a daemon. <paramref name="environment"/> replaces the defaults (which set a password).</summary>
    public static async Task<TestApp> StartAsync(Dictionary<string, string>? environment = null, string? dataDir = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null, LogLevel logLevel = LogLevel.Warning)
    {
        dataDir ??= Directory.CreateTempSubdirectory("openmotoko-test-").FullName;
        environment ??= new Dictionary<string, string> { ["OPENMOTOKO_PASSWORD"] = Password };
        var app = new TestApp(dataDir, environment, new TestClock(DateTimeOffset.Parse("2026-11-28T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        app._configureServices = configureServices;
        app._logLevel = logLevel;
        await app.StartHostAsync();
        return app;
    }

    internal DaemonOptions Options(string? host = "127.0.0.1", int? port = 0) => new()
    {
        DataDir = DataDir,
        Host = host,
        Port = port,
        Environment = new EnvironmentSnapshot(_environment),
        LogLevel = _logLevel,
    };

    /// <summary>Stops the daemon and starts a new one on the same data dir, as a restart would; <paramref name="whileDown"/> runs in between (e.g. moves the clock).</summary>
    public async Task RestartAsync(Action? whileDown = null)
    {
        await StopHostAsync();
        whileDown?.Invoke();
        await StartHostAsync();
    }

    public async Task<string> LoginAsync(string password = Password)
    {
        using var response = await Client.PostAsJsonAsync("/api/auth/login", new { password });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>A client that sends a fresh session's bearer token.</summary>
    public async Task<HttpClient> LoginClientAsync() => CreateClient(await LoginAsync());

    /// <summary>A new client for this daemon, sending <paramref name="bearer"/> when given.</summary>
    public HttpClient CreateClient(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return client;
    }

    private async Task StartHostAsync()
    {
        _app = DaemonHost.Build(Options(), Time, _configureServices);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.First());
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    private async Task StopHostAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopHostAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // a file still open on a slow shutdown; the OS temp cleaner gets it
        }
    }
}
