using System.Net;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Events;
using OpenMotoko.Storage;

namespace OpenMotoko.Tests.Activity;

/// <summary>One frame a live client received: the SSE event name (the JSON's type on /ws) and the JSON.</summary>
internal sealed record LiveFrame(string Event, JsonElement Data)
{
    public string Type => Data.GetProperty("type").GetString()!;
}

/// <summary>A client of a live stream, /api/events or /ws.</summary>
internal interface ILiveReader : IAsyncDisposable
{
    /// <summary>The next frame, or null when the daemon ended the stream; fails after <see cref="LiveTestKit.Patience"/>.</summary>
    Task<LiveFrame?> NextAsync();
}

internal static class LiveTestKit
{
    /// <summary>How long a test waits for a frame the daemon owes it (a guard against hanging, never a sleep).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Publishes events on the daemon's bus and commits them, as a turn's commit would.</summary>
    public static async Task PublishAsync(TestApp app, params AgentEvent[] events)
    {
        var bus = app.Services.GetRequiredService<EventBus>();
        foreach (var e in events)
        {
            await bus.PublishAsync(e);
        }
        await app.Services.GetRequiredService<Database>().FlushAsync();
    }

    public static MessageReceived Received(string text, string conversationId = "conv-1") => new(new EventScope("run-1", conversationId, "api"), text);

    public static ToolCalled ToolCall(string arguments = """{"path":"a.txt"}""") =>
        new(new EventScope("run-1", "conv-1", "api", "files"), "call-1", "read_file", JsonDocument.Parse(arguments).RootElement.Clone());

    public static ToolCompleted ToolResult(string output = "done") => new(new EventScope("run-1", "conv-1", "api", "files"), "call-1", "read_file", false, output);

    public static RunFailed Failed() => new(new EventScope("run-1", "conv-1", "api"), "boom", "LLM_ERROR", 502);

    /// <summary>A handler whose connections have a small receive buffer, so a client that does not read fills up after a few kilobytes.</summary>
    public static SocketsHttpHandler SmallBufferHandler() => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
            try
            {
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

    public static async Task<T> Within<T>(Task<T> task) => await task.WaitAsync(Patience);
}

/// <summary>GET /api/events read as a browser's EventSource would, through the SSE parser.</summary>
internal sealed class SseReader : ILiveReader
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly IAsyncEnumerator<SseItem<string>> _events;

    private SseReader(HttpClient client, HttpResponseMessage response, IAsyncEnumerator<SseItem<string>> events)
    {
        _client = client;
        _response = response;
        _events = events;
    }

    /// <summary>Opens the stream with <paramref name="client"/> (which carries the session); returns once the headers are in, i.e. subscribed.</summary>
    public static async Task<SseReader> OpenAsync(HttpClient client, string query = "")
    {
        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/events" + query), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var stream = await response.Content.ReadAsStreamAsync();
        return new SseReader(client, response, SseParser.Create(stream).EnumerateAsync().GetAsyncEnumerator());
    }

    public async Task<LiveFrame?> NextAsync()
    {
        if (!await _events.MoveNextAsync().AsTask().WaitAsync(LiveTestKit.Patience))
        {
            return null;
        }
        return new LiveFrame(_events.Current.EventType, JsonDocument.Parse(_events.Current.Data).RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        _response.Dispose();
        try
        {
            await _events.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or HttpRequestException)
        {
            // the stream was cut under the parser
        }
        _client.Dispose();
    }
}

/// <summary>GET /ws with a real ClientWebSocket; answers the daemon's close as a browser does.</summary>
internal sealed class SocketReader : ILiveReader
{
    private readonly byte[] _buffer = new byte[1 << 16];

    private SocketReader(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public static Uri Address(TestApp app, string query = "") => new($"ws://{app.BaseAddress.Authority}/ws{query}");

    /// <summary>Connects; once the handshake is done the daemon has subscribed this client.</summary>
    public static async Task<SocketReader> ConnectAsync(TestApp app, string query = "", Action<ClientWebSocketOptions>? configure = null, HttpMessageInvoker? invoker = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        await socket.ConnectAsync(Address(app, query), invoker, CancellationToken.None).WaitAsync(LiveTestKit.Patience);
        return new SocketReader(socket);
    }

    /// <summary>The status code of a refused handshake.</summary>
    public static async Task<HttpStatusCode> RefusedAsync(TestApp app, string query = "", Action<ClientWebSocketOptions>? configure = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Address(app, query), CancellationToken.None));
        return socket.HttpStatusCode;
    }

    public Task SendAsync(string text) => Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public async Task<LiveFrame?> NextAsync()
    {
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await Socket.ReceiveAsync(_buffer.AsMemory(length), CancellationToken.None).AsTask().WaitAsync(LiveTestKit.Patience);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            return null;
        }
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        var data = JsonDocument.Parse(_buffer.AsMemory(0, length)).RootElement.Clone();
        return new LiveFrame(data.GetProperty("type").GetString()!, data);
    }

    public ValueTask DisposeAsync()
    {
        Socket.Abort();
        Socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
