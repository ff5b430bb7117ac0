using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;

namespace OpenMotoko.Activity;

/// <summary>
/// The live activity feed: every stored event as it happens, as the same JSON as an item of
/// GET /api/activity. GET /api/events streams it as Server-Sent Events; GET /ws as WebSocket text
/// frames, where the client may change its filter by sending <c>{"subscribe": [...]}</c>.
/// </summary>
internal static class EventsApi
{
    public static WebApplication MapEvents(this WebApplication app)
    {
        // Only makes the upgrade available; the session is checked before any handler accepts one.
        app.UseWebSockets();
        app.MapGet("/api/events", StreamEvents).Validated<LiveEventsQuery>();
        app.MapGet("/ws", ConnectSocket).Validated<LiveEventsQuery>().AcceptsQueryToken();
        return app;
    }

    private static LiveEventStream StreamEvents([AsParameters] LiveEventsQuery query, [FromServices] LiveFeed feed) =>
        new(feed.Connect(query.Filter()), feed.Abandoned);

    private static async Task<Results<EmptyHttpResult, JsonHttpResult<ApiError>>> ConnectSocket(
        [AsParameters] LiveEventsQuery query, HttpContext context, [FromServices] LiveFeed feed, [FromServices] DaemonOptions options, [FromServices] TimeProvider time)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return ApiErrors.Of(StatusCodes.Status400BadRequest, ErrorCodes.Validation,
                "/ws speaks WebSocket: connect with an upgrade request, e.g. new WebSocket('ws://host:port/ws'). For plain HTTP use GET /api/events.");
        }
        if (IsForeignOrigin(context.Request, options.CorsOrigins))
        {
            return ApiErrors.Of(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
                "A page from another origin may not use the session cookie here: pass ?token=, or add the origin to OPENMOTOKO_CORS_ORIGINS.");
        }
        // Subscribed before the handshake completes, so the client hears everything stored after it connected.
        var client = feed.Connect(query.Filter());
        WebSocket socket;
        try
        {
            socket = await context.WebSockets.AcceptWebSocketAsync();
        }
        catch
        {
            client.Dispose();
            throw;
        }
        using (socket)
        {
            await new LiveSocket(socket, client, feed.Abandoned, time).RunAsync(context);
        }
        return TypedResults.Empty;
    }

    /// <summary>
    /// A browser sends its page's origin on a WebSocket handshake, and the cookie along with it even
    /// from a page of another port on the same host, which CORS does not cover. The cookie counts only
    /// from our own origin or a configured one; a token in the header or query is not ambient, so any page may use it.
    /// </summary>
    private static bool IsForeignOrigin(HttpRequest request, string[] allowed)
    {
        if (request.Headers.Origin is not [{ Length: > 0 } origin] || request.Headers.Authorization.Count > 0 || request.Query.ContainsKey("token"))
        {
            return false;
        }
        if (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return !allowed.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>
/// GET /api/events: one SSE event per item (<c>event: &lt;type&gt;</c>, one <c>data:</c> line of
/// JSON), flushed as it comes. The headers go out at once, so a client knows it is subscribed.
/// </summary>
internal sealed class LiveEventStream(LiveClient client, CancellationToken abandoned) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx would otherwise hold the stream back
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var aborted = context.RequestAborted;
        // The daemon stops and this client stopped reading: drop the connection rather than wait for it.
        using var stuck = abandoned.Register(static state => ((HttpContext)state!).Abort(), context);
        try
        {
            await response.BodyWriter.FlushAsync(aborted);
            while (await client.ReadAsync(aborted) is { } item)
            {
                Write(response.BodyWriter, item);
                await response.BodyWriter.FlushAsync(aborted);
            }
            await response.CompleteAsync(); // the end of the stream, while the grace above still applies
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // the client left, or was dropped
        }
        finally
        {
            client.Dispose();
        }
    }

    private static void Write(System.IO.Pipelines.PipeWriter writer, LiveItem item)
    {
        writer.Write("event: "u8);
        Encoding.UTF8.GetBytes(item.Type, writer);
        writer.Write("\ndata: "u8);
        writer.Write(item.Json);
        writer.Write("\n\n"u8);
    }
}
