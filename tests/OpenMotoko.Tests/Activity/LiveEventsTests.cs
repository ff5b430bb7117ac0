using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Storage;
using OpenMotoko.Tests.Agent;
using OpenMotoko.Tests.Providers.OpenAi;
using static OpenMotoko.Tests.Activity.LiveTestKit;

namespace OpenMotoko.Tests.Activity;

/// <summary>GET /api/events and /ws: what they send, and how a client picks what it gets.</summary>
public sealed class LiveEventsTests
{
    [Fact]
    public async Task An_agent_turn_shows_on_both_feeds_as_it_happens_as_the_activity_items()
    {
        await using var h = await AgentHarness.StartAsync();
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Then(async ctx =>
        {
            reached.SetResult();
            await release.Task;
            await FakeOpenAi.StreamAsync(ctx, FakeOpenAi.TextChunks(["Hel", "lo."], 100, 20));
        });
        var token = await h.App.LoginAsync();
        await using var sse = await SseReader.OpenAsync(h.App.CreateClient(token));
        await using var ws = await SocketReader.ConnectAsync(h.App, "?token=" + token);
        var id = await h.CreateConversationAsync();

        var posting = h.PostMessageAsync(id, "Hi there");
        await reached.Task.WaitAsync(Patience);
        h.App.Time.Advance(DeferredWrites.FlushDelay); // the received event is stored by the flush timer while the model thinks
        List<LiveFrame> fromSse = [(await sse.NextAsync())!];
        List<LiveFrame> fromWs = [(await ws.NextAsync())!];
        Assert.Equal("message:received", fromSse[0].Event);
        Assert.Equal("message:received", fromWs[0].Type);
        Assert.False(posting.IsCompleted);

        release.SetResult();
        using (var response = await posting)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        for (var i = 0; i < 3; i++)
        {
            fromSse.Add((await sse.NextAsync())!);
            fromWs.Add((await ws.NextAsync())!);
        }

        string[] expected = ["message:received", "llm:complete", "cost:updated", "message:sent"];
        Assert.Equal(expected, fromSse.Select(f => f.Event));
        Assert.Equal(expected, fromSse.Select(f => f.Type));
        Assert.Equal(expected, fromWs.Select(f => f.Type));
        using var page = JsonDocument.Parse(await h.Client.GetStringAsync("/api/activity?limit=100"));
        var stored = page.RootElement.GetProperty("items").EnumerateArray().Reverse().ToList();
        Assert.Equal(4, stored.Count);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored[i].GetRawText()), JsonNode.Parse(fromSse[i].Data.GetRawText())), $"SSE item {i}");
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored[i].GetRawText()), JsonNode.Parse(fromWs[i].Data.GetRawText())), $"/ws item {i}");
        }
        Assert.Equal(id, fromSse[0].Data.GetProperty("conversationId").GetString());
        Assert.Equal("Hi there", fromSse[0].Data.GetProperty("data").GetProperty("preview").GetString());
    }

    [Fact]
    public async Task Items_are_redacted_like_the_stored_ones()
    {
        await using var app = await TestApp.StartAsync();
        await using var sse = await SseReader.OpenAsync(await app.LoginClientAsync());

        await PublishAsync(app, ToolCall($$"""{"apiKey":"abc","note":"my password is {{TestApp.Password}}"}"""));

        var frame = (await sse.NextAsync())!;
        var arguments = frame.Data.GetProperty("data").GetProperty("arguments").GetString()!;
        Assert.DoesNotContain(TestApp.Password, arguments, StringComparison.Ordinal);
        Assert.Contains("[redacted]", arguments, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Types_pick_events_by_name_and_by_noun()
    {
        await using var app = await TestApp.StartAsync();
        var token = await app.LoginAsync();
        await using var sse = await SseReader.OpenAsync(app.CreateClient(token), "?types=tool:*,run:failed");
        await using var ws = await SocketReader.ConnectAsync(app, "?types=message:received&token=" + token);
        await using var everything = await SseReader.OpenAsync(app.CreateClient(token), "?types=*");

        await PublishAsync(app, Received("one"), ToolCall(), ToolResult(), Failed());

        Assert.Equal(["tool:called", "tool:result", "run:failed"], [(await sse.NextAsync())!.Event, (await sse.NextAsync())!.Event, (await sse.NextAsync())!.Event]);
        Assert.Equal("message:received", (await ws.NextAsync())!.Type);
        Assert.Equal(["message:received", "tool:called", "tool:result", "run:failed"],
            [(await everything.NextAsync())!.Event, (await everything.NextAsync())!.Event, (await everything.NextAsync())!.Event, (await everything.NextAsync())!.Event]);

        // A subscription replaces the socket's filter; the daemon confirms it before sending by it.
        await ws.SendAsync("""{"subscribe": ["tool:called", " run:* "]}""");
        var subscribed = (await ws.NextAsync())!;
        Assert.Equal("subscribed", subscribed.Type);
        Assert.Equal(["tool:called", "run:*"], subscribed.Data.GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        await PublishAsync(app, Received("two"), ToolCall(), ToolResult(), Failed());
        Assert.Equal("tool:called", (await ws.NextAsync())!.Type);
        Assert.Equal("run:failed", (await ws.NextAsync())!.Type);
    }

    [Theory]
    [InlineData("/api/events?types=tool:nope", "types")]
    [InlineData("/api/events?types=nope:*", "types")]
    [InlineData("/api/events?types=tool", "types")]
    [InlineData("/api/events?types=", "types")]
    [InlineData("/api/events?types=tool:*&types=run:failed", "types")]
    [InlineData("/api/events?types=tool:*,,run:failed", "types[1]")]
    [InlineData("/ws?types=tool:*,message:nope", "types[1]")]
    public async Task Bad_types_are_400_with_details(string path, string detailPath)
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("VALIDATION_ERROR", body.GetProperty("code").GetString());
        var detail = body.GetProperty("details")[0];
        Assert.Equal("query", detail.GetProperty("field").GetString());
        Assert.Equal(detailPath, detail.GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_plain_request_to_the_socket_route_is_told_to_upgrade()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.GetAsync("/ws");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_socket_message_gets_an_error_frame_and_the_stream_goes_on()
    {
        await using var app = await TestApp.StartAsync();
        await using var ws = await SocketReader.ConnectAsync(app, "?token=" + await app.LoginAsync());

        string[] bad =
        [
            "not json",
            """{"subscribe": "tool:*"}""",
            """{"unsubscribe": ["tool:*"]}""",
            """[1, 2]""",
            """{"subscribe": []}""",
            """{"subscribe": ["tool:*", "nope:*", 7]}""",
            """{"subscribe": ["tool:*"]} trailing""",
            "{\"subscribe\": [\"" + new string('x', 5_000) + "\"]}",
        ];
        foreach (var message in bad)
        {
            await ws.SendAsync(message);
            var error = (await ws.NextAsync())!;
            Assert.Equal("error", error.Type);
            Assert.Equal("VALIDATION_ERROR", error.Data.GetProperty("code").GetString());
            Assert.False(string.IsNullOrEmpty(error.Data.GetProperty("error").GetString()));
        }
        await ws.Socket.SendAsync(new byte[] { 1, 2, 3 }, System.Net.WebSockets.WebSocketMessageType.Binary, true, CancellationToken.None);
        Assert.Equal("error", (await ws.NextAsync())!.Type);

        var several = (await Within(SendAndReadAsync(ws, """{"subscribe": ["tool:*", "nope:*", 7]}""")))!;
        Assert.Equal(["subscribe[1]", "subscribe[2]"], several.Data.GetProperty("details").EnumerateArray().Select(d => d.GetProperty("path").GetString()));

        // The filter is unchanged by the refused subscriptions, and events still flow.
        await PublishAsync(app, Received("still here"));
        Assert.Equal("message:received", (await ws.NextAsync())!.Type);
        using var health = await app.Client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static async Task<LiveFrame?> SendAndReadAsync(SocketReader ws, string message)
    {
        await ws.SendAsync(message);
        return await ws.NextAsync();
    }
}
