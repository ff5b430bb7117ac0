using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenMotoko.Activity;
using OpenMotoko.Events;
using Xunit.Abstractions;
using static OpenMotoko.Tests.Activity.LiveTestKit;

namespace OpenMotoko.Tests.Activity;

/// <summary>How the live feed behaves over time: slow clients, pings on the daemon's clock, shutdown.</summary>
public sealed class LiveFeedFlowTests(ITestOutputHelper output)
{
    private const int FloodSize = 4_000;

    [Fact]
    public async Task A_client_that_falls_behind_loses_the_oldest_events_and_hears_how_many()
    {
        await using var app = await TestApp.StartAsync(configureServices: s => s.AddSingleton(new LiveFeedLimits(QueueSize: 4)));
        using var client = app.Services.GetRequiredService<LiveFeed>().Connect(LiveEventFilter.All);

        await PublishAsync(app, [.. Enumerable.Range(0, 10).Select(i => Received($"m{i}"))]);

        var notice = (await client.ReadAsync(CancellationToken.None))!;
        Assert.Equal("dropped", notice.Type);
        Assert.Equal("""{"type":"dropped","count":6}""", System.Text.Encoding.UTF8.GetString(notice.Json));
        for (var i = 6; i < 10; i++)
        {
            var item = JsonDocument.Parse((await client.ReadAsync(CancellationToken.None))!.Json).RootElement;
            Assert.Equal($"m{i}", item.GetProperty("data").GetProperty("preview").GetString());
        }
    }

    [Theory]
    [InlineData("sse")]
    [InlineData("ws")]
    public async Task A_client_that_does_not_read_never_holds_up_the_agent(string transport)
    {
        await using var app = await TestApp.StartAsync(configureServices: s => s.AddSingleton(new LiveFeedLimits(QueueSize: 8)));
        await using var reader = await OpenSlowAsync(app, transport);

        // Big events, so the socket's buffers fill and the daemon's writes to this client stall.
        var clock = Stopwatch.StartNew();
        await PublishAsync(app, [.. Enumerable.Range(0, FloodSize).Select(Numbered)]).WaitAsync(Patience);
        output.WriteLine($"{transport}: {FloodSize} events published and committed in {clock.ElapsedMilliseconds} ms while the client read nothing");

        // Then it reads: every event is either received or counted in a dropped notice placed at the gap.
        var last = -1;
        long droppedTotal = 0, pendingDrops = 0, received = 0;
        while (last < FloodSize - 1)
        {
            var frame = (await reader.NextAsync())!;
            if (frame.Type == "dropped")
            {
                pendingDrops += frame.Data.GetProperty("count").GetInt64();
                continue;
            }
            var n = JsonDocument.Parse(frame.Data.GetProperty("data").GetProperty("arguments").GetString()!).RootElement.GetProperty("n").GetInt32();
            Assert.Equal(last + 1 + pendingDrops, n);
            droppedTotal += pendingDrops;
            pendingDrops = 0;
            received++;
            last = n;
        }
        output.WriteLine($"{transport}: received {received}, dropped {droppedTotal}");
        Assert.True(droppedTotal > 0, "the client never fell behind: the test did not fill its buffers");
        Assert.Equal(FloodSize, received + droppedTotal);
    }

    [Fact]
    public async Task Both_feeds_ping_every_30_seconds_on_the_daemons_clock()
    {
        await using var app = await TestApp.StartAsync();
        var token = await app.LoginAsync();
        await using var sse = await SseReader.OpenAsync(app.CreateClient(token));
        await using var ws = await SocketReader.ConnectAsync(app, "?token=" + token);

        app.Time.Advance(LiveFeed.PingInterval - TimeSpan.FromSeconds(1));
        await PublishAsync(app, Received("before the ping"));
        Assert.Equal("message:received", (await sse.NextAsync())!.Event);
        Assert.Equal("message:received", (await ws.NextAsync())!.Type);

        for (var round = 0; round < 2; round++)
        {
            app.Time.Advance(round == 0 ? TimeSpan.FromSeconds(1) : LiveFeed.PingInterval);
            var ssePing = (await sse.NextAsync())!;
            Assert.Equal("ping", ssePing.Event);
            Assert.Equal("ping", ssePing.Type);
            Assert.Equal("ping", (await ws.NextAsync())!.Type);
        }
    }

    [Fact]
    public async Task Stopping_the_daemon_ends_both_streams_cleanly_and_promptly()
    {
        var app = await TestApp.StartAsync();
        var token = await app.LoginAsync();
        await using var sse = await SseReader.OpenAsync(app.CreateClient(token));
        await using var ws = await SocketReader.ConnectAsync(app, "?token=" + token);
        var sseEnd = sse.NextAsync();
        var wsEnd = ws.NextAsync();

        var clock = Stopwatch.StartNew();
        await app.DisposeAsync().AsTask().WaitAsync(Patience);
        output.WriteLine($"stopped in {clock.ElapsedMilliseconds} ms");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed}");
        Assert.Null(await sseEnd); // the end of the stream, not a broken connection
        Assert.Null(await wsEnd);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.Socket.CloseStatus);
    }

    [Fact]
    public async Task Stopping_the_daemon_does_not_wait_for_clients_that_stopped_reading()
    {
        var app = await TestApp.StartAsync(configureServices: s => s.AddSingleton(new LiveFeedLimits(QueueSize: 8)));
        await using var sse = await OpenSlowAsync(app, "sse");
        await using var ws = await OpenSlowAsync(app, "ws");
        await PublishAsync(app, [.. Enumerable.Range(0, FloodSize).Select(Numbered)]);

        // Stopping ends every stream and arms the grace on the daemon's clock; once it passes, stuck writes are given up.
        app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        app.Time.Advance(LiveFeed.StopGrace);
        var clock = Stopwatch.StartNew();
        await app.DisposeAsync().AsTask().WaitAsync(Patience);
        output.WriteLine($"stopped in {clock.ElapsedMilliseconds} ms");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed}");
    }

    /// <summary>A tool call whose arguments carry its number and about 2 KB of padding.</summary>
    private static AgentEvent Numbered(int n) => ToolCall($$"""{"n":{{n}},"pad":"{{new string('x', 1_900)}}"}""");

    /// <summary>A client whose connection has a small receive buffer and that reads nothing until the test asks.</summary>
    private static async Task<ILiveReader> OpenSlowAsync(TestApp app, string transport)
    {
        var token = await app.LoginAsync();
        if (transport == "sse")
        {
            var client = new HttpClient(SmallBufferHandler()) { BaseAddress = app.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return await SseReader.OpenAsync(client);
        }
        return await SocketReader.ConnectAsync(app, "?token=" + token, invoker: new HttpMessageInvoker(SmallBufferHandler()));
    }
}
