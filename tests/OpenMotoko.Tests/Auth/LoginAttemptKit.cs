using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenMotoko.Tests.Auth;

/// <summary>Guesses passwords the way an attacker on the machine would: from many loopback addresses, many at once.</summary>
internal static class LoginAttemptKit
{
    /// <summary>A client whose connections come from <paramref name="address"/> (any 127.0.0.0/8 address works on Linux).</summary>
    public static HttpClient ClientFrom(TestApp app, string address)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = app.BaseAddress };
    }

    public static Task<HttpResponseMessage> TryLoginAsync(HttpClient client, string password) =>
        client.PostAsJsonAsync("/api/auth/login", new { password });

    /// <summary>Starts a daemon whose log lines are kept, to count how many passwords it really checked.</summary>
    public static async Task<(TestApp App, CapturedLogs Logs)> StartCountingAsync(Dictionary<string, string>? environment = null)
    {
        var logs = new CapturedLogs();
        var app = await TestApp.StartAsync(environment, configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
        return (app, logs);
    }
}

/// <summary>Keeps the daemon's log lines (the real ones, through a logger provider).</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, string Message)> _lines = new();

    /// <summary>How many wrong passwords were checked: the daemon logs each one.</summary>
    public int FailedLogins => _lines.Count(l => l.Message.StartsWith("Failed login from", StringComparison.Ordinal));

    /// <summary>How many kept lines contain <paramref name="text"/> (any case).</summary>
    public int Count(string text) => _lines.Count(l => l.Message.Contains(text, StringComparison.OrdinalIgnoreCase));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue((category, formatter(state, exception)));
    }
}
