using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenMotoko.Tests.Providers.Fakes;

/// <summary>One request the fake provider received, as it arrived on the wire.</summary>
internal sealed record WireRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>
/// A real HTTP server on 127.0.0.1:0 standing in for an LLM provider. Each request takes the next
/// scripted reply in order and is recorded with its headers and body, so tests can check exactly
/// what the provider client sent.
/// </summary>
internal sealed class WireFakeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _replies = new();
    private readonly ConcurrentQueue<WireRequest> _requests = new();

    private WireFakeServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<WireRequest> Requests => [.. _requests];

    public static async Task<WireFakeServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new WireFakeServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = app.Urls.First();
        return server;
    }

    public void Enqueue(Func<HttpContext, Task> reply) => _replies.Enqueue(reply);

    /// <summary>A JSON reply with a status and optional extra headers.</summary>
    public void EnqueueJson(int status, string json, params (string Name, string Value)[] headers) => Enqueue(async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }
        await context.Response.WriteAsync(json);
    });

    /// <summary>Server-sent events, each flushed on its own; a null event name writes a data-only event.</summary>
    public void EnqueueSse(params (string? Event, string Data)[] events) => Enqueue(async context =>
    {
        context.Response.ContentType = "text/event-stream";
        foreach (var (name, data) in events)
        {
            await WriteSseAsync(context, name, data);
        }
    });

    /// <summary>Newline-delimited JSON, one flushed line per item (Ollama's stream).</summary>
    public void EnqueueNdjson(params string[] lines) => Enqueue(async context =>
    {
        context.Response.ContentType = "application/x-ndjson";
        foreach (var line in lines)
        {
            await WriteLineAsync(context, line);
        }
    });

    public static async Task WriteSseAsync(HttpContext context, string? name, string data)
    {
        var text = (name is null ? "" : $"event: {name}\n") + $"data: {data}\n\n";
        await context.Response.WriteAsync(text);
        await context.Response.Body.FlushAsync();
    }

    public static async Task WriteLineAsync(HttpContext context, string line)
    {
        await context.Response.WriteAsync(line + "\n");
        await context.Response.Body.FlushAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        _requests.Enqueue(new WireRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body));
        if (_replies.TryDequeue(out var reply))
        {
            await reply(context);
            return;
        }
        context.Response.StatusCode = 500;
        await context.Response.WriteAsync("{\"error\":\"the fake provider has no reply scripted for this request\"}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
