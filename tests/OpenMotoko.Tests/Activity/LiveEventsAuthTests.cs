using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static OpenMotoko.Tests.Activity.LiveTestKit;

namespace OpenMotoko.Tests.Activity;

/// <summary>Who may open a live stream: a session from the bearer header or the cookie, and on /ws only also from ?token=.</summary>
public sealed class LiveEventsAuthTests
{
    [Fact]
    public async Task Both_feeds_refuse_a_missing_or_unknown_session_before_streaming()
    {
        await using var app = await TestApp.StartAsync();

        foreach (var path in new[] { "/api/events", "/api/events?token=nope" })
        {
            using var response = await app.Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("UNAUTHORIZED", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await SocketReader.RefusedAsync(app));
        Assert.Equal(HttpStatusCode.Unauthorized, await SocketReader.RefusedAsync(app, "?token=nope"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SocketReader.RefusedAsync(app, "", o => o.SetRequestHeader("Authorization", "Bearer nope")));
    }

    [Fact]
    public async Task A_token_in_the_query_opens_the_socket_and_nothing_else()
    {
        await using var app = await TestApp.StartAsync();
        var token = await app.LoginAsync();

        await using (var ws = await SocketReader.ConnectAsync(app, "?token=" + token))
        {
            await PublishAsync(app, Received("hello"));
            Assert.Equal("message:received", (await ws.NextAsync())!.Type);
        }
        using var anonymous = app.CreateClient(); // app.Client holds the login's cookie
        foreach (var path in new[] { "/api/events?token=" + token, "/api/activity?token=" + token, "/api/settings?token=" + token })
        {
            using var response = await anonymous.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        // Named twice, it matches no session.
        Assert.Equal(HttpStatusCode.Unauthorized, await SocketReader.RefusedAsync(app, $"?token={token}&token={token}"));
    }

    [Fact]
    public async Task The_cookie_and_the_bearer_header_open_both_feeds()
    {
        await using var app = await TestApp.StartAsync();
        var token = await app.LoginAsync();
        var cookieClient = app.CreateClient();
        cookieClient.DefaultRequestHeaders.Add("Cookie", "session=" + token);

        await using var byCookie = await SseReader.OpenAsync(cookieClient);
        await using var byBearer = await SocketReader.ConnectAsync(app, "", o => o.SetRequestHeader("Authorization", "Bearer " + token));
        await using var byCookieSocket = await SocketReader.ConnectAsync(app, "", o =>
        {
            o.SetRequestHeader("Cookie", "session=" + token);
            o.SetRequestHeader("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority)); // the daemon's own page
        });
        await PublishAsync(app, Received("hello"));

        Assert.Equal("message:received", (await byCookie.NextAsync())!.Event);
        Assert.Equal("message:received", (await byBearer.NextAsync())!.Type);
        Assert.Equal("message:received", (await byCookieSocket.NextAsync())!.Type);
    }

    [Fact]
    public async Task A_page_of_another_origin_cannot_ride_on_the_cookie()
    {
        await using var app = await TestApp.StartAsync();
        var token = await app.LoginAsync();
        void Foreign(System.Net.WebSockets.ClientWebSocketOptions o)
        {
            o.SetRequestHeader("Cookie", "session=" + token);
            o.SetRequestHeader("Origin", "http://localhost:1"); // same host, another port: the cookie would be sent
        }

        Assert.Equal(HttpStatusCode.Forbidden, await SocketReader.RefusedAsync(app, "", Foreign));
        // A token in the query is judged alone, never topped up by the cookie.
        Assert.Equal(HttpStatusCode.Unauthorized, await SocketReader.RefusedAsync(app, "?token=nope", Foreign));
        await using var withToken = await SocketReader.ConnectAsync(app, "?token=" + token, Foreign);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, withToken.Socket.State);
    }

    [Fact]
    public async Task The_query_token_never_reaches_the_log()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await TestApp.StartAsync(configureServices: s => s.AddSingleton<ILoggerProvider>(logs), logLevel: LogLevel.Trace);
        var token = await app.LoginAsync();

        await using (var ws = await SocketReader.ConnectAsync(app, "?types=tool:*&token=" + token))
        {
            await ws.SendAsync("not json");
            Assert.Equal("error", (await ws.NextAsync())!.Type);
        }
        await SocketReader.RefusedAsync(app, "?token=" + token + "x");
        await SocketReader.RefusedAsync(app, "?types=bad&token=" + token);
        using (var anonymous = app.CreateClient())
        using (var refused = await anonymous.GetAsync("/api/events?token=" + token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        await app.RestartAsync(); // shutdown lines too

        Assert.NotEmpty(logs.Lines); // the capture works: the daemon logged its start at least
        Assert.DoesNotContain(logs.Lines, line => line.Contains(token, StringComparison.Ordinal));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Capture(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Capture(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}
