using System.Net.WebSockets;
using System.Text.Json;
using OpenMotoko.Hosting;

namespace OpenMotoko.Activity;

/// <summary>
/// One /ws connection: sends the client's queue as text frames while it listens for the client's
/// messages. <c>{"subscribe": ["tool:*", ...]}</c> replaces the filter (answered with
/// <c>subscribed</c>); anything else is answered with an <c>error</c> frame and the connection
/// stays open. When the daemon stops it closes with a normal close status.
/// </summary>
internal sealed class LiveSocket(WebSocket socket, LiveClient client, CancellationToken abandoned, TimeProvider time)
{
    public const int MaxMessageBytes = 4_096;

    // How long the daemon waits for the client to answer its close before dropping the connection.
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(2);

    private const string Usage = """send text frames of JSON such as {"subscribe": ["tool:*", "message:sent"]}""";

    public async Task RunAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        // The daemon stops and this client stopped reading: drop the connection rather than wait for it.
        using var stuck = abandoned.Register(static state => ((HttpContext)state!).Abort(), context);
        var receiving = ReceiveAsync(aborted);
        try
        {
            while (await client.ReadAsync(aborted) is { } item)
            {
                await socket.SendAsync(item.Json, WebSocketMessageType.Text, endOfMessage: true, aborted);
            }
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, receiving.IsCompleted ? null : "daemon stopping", aborted);
            }
            await receiving.WaitAsync(CloseWait, time, aborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or TimeoutException)
        {
            // the client left, was dropped, or never answered the close
            socket.Abort();
            context.Abort();
        }
        finally
        {
            client.Dispose();
        }
        await receiving; // it ends with the socket, and never throws
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxMessageBytes];
        try
        {
            while (true)
            {
                var length = 0;
                var tooLong = false;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        tooLong = true; // keep reading to the end of the message, keeping none of it
                        length = 0;
                    }
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                client.Reply(Answer(result.MessageType, buffer.AsMemory(0, length), tooLong));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // the connection is gone
        }
        client.Complete();
    }

    /// <summary>What the daemon says to one message of the client.</summary>
    private LiveItem Answer(WebSocketMessageType type, ReadOnlyMemory<byte> message, bool tooLong)
    {
        if (tooLong)
        {
            return Error($"A message is at most {MaxMessageBytes} bytes; {Usage}.");
        }
        if (type != WebSocketMessageType.Text)
        {
            return Error($"Binary messages are not understood; {Usage}.");
        }
        List<string> patterns = [];
        try
        {
            using var document = JsonDocument.Parse(message);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("subscribe", out var subscribe)
                || subscribe.ValueKind != JsonValueKind.Array)
            {
                return Error($"Unknown message; {Usage}.");
            }
            foreach (var pattern in subscribe.EnumerateArray())
            {
                patterns.Add(pattern.ValueKind == JsonValueKind.String ? pattern.GetString()! : "");
            }
        }
        catch (JsonException)
        {
            return Error($"The message is not valid JSON; {Usage}.");
        }
        List<ErrorDetail> errors = [];
        if (LiveEventFilter.Parse(patterns, "message", "subscribe", errors) is not { } filter)
        {
            return Error(errors.Count == 1 ? errors[0].Message : $"The subscription has {errors.Count} invalid types.", errors);
        }
        client.Filter = filter;
        return LiveItem.Notice(new LiveNotice("subscribed", Types: filter.Patterns));
    }

    private static LiveItem Error(string message, IReadOnlyList<ErrorDetail>? details = null) =>
        LiveItem.Notice(new LiveNotice("error", Error: message, Code: ErrorCodes.Validation, Details: details));
}
