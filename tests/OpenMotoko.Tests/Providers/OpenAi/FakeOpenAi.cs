using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenMotoko.Tests.Providers.OpenAi;

/// <summary>One request the fake received: path, Authorization header and JSON body.</summary>
internal sealed record FakeRequest(string Method, string Path, string? Authorization, JsonElement Body);

/// <summary>
/// A fake OpenAI Chat Completions server on loopback speaking the real wire format: SSE chunks
/// ("data: {json}\n\n", "data: [DONE]"), error bodies {"error": {...}}, Retry-After. Each request
/// takes the next scripted answer; with none left it answers "Hello".
/// </summary>
internal sealed class FakeOpenAi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _answers = new();

    private FakeOpenAi(WebApplication app) => _app = app;

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>Answers a chat request (with its JSON body) when no scripted answer is left; default: "Hello".</summary>
    public Func<HttpContext, JsonElement, Task>? Otherwise { get; set; }

    /// <summary>The base URL including /v1, as OPENAI_BASE_URL takes it.</summary>
    public string BaseUrl => _app.Urls.First() + "/v1";

    public static async Task<FakeOpenAi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeOpenAi(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    public FakeOpenAi Then(Func<HttpContext, Task> answer)
    {
        _answers.Enqueue(answer);
        return this;
    }

    public FakeOpenAi ThenText(params string[] pieces) => Then(ctx => StreamAsync(ctx, TextChunks(pieces, 11, 7)));

    public FakeOpenAi ThenError(int status, string message, string type = "invalid_request_error", string? retryAfter = null) => Then(async ctx =>
    {
        ctx.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            ctx.Response.Headers.RetryAfter = retryAfter;
        }
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = "some_code" },
        }.ToJsonString());
    });

    public static JsonObject Chunk(JsonObject delta, string? finish = null) => new()
    {
        ["id"] = "chatcmpl-fake",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1,
        ["model"] = "gpt-4o-mini",
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finish }),
    };

    public static JsonObject UsageChunk(long prompt, long completion) => new()
    {
        ["id"] = "chatcmpl-fake",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1,
        ["model"] = "gpt-4o-mini",
        ["choices"] = new JsonArray(),
        ["usage"] = new JsonObject { ["prompt_tokens"] = prompt, ["completion_tokens"] = completion, ["total_tokens"] = prompt + completion },
    };

    public static List<JsonObject> TextChunks(string[] pieces, long prompt, long completion)
    {
        var chunks = new List<JsonObject> { Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }) };
        chunks.AddRange(pieces.Select(p => Chunk(new JsonObject { ["content"] = p })));
        chunks.Add(Chunk(new JsonObject(), "stop"));
        chunks.Add(UsageChunk(prompt, completion));
        return chunks;
    }

    public static JsonObject ToolDelta(int index, string? id, string? name, string arguments)
    {
        var function = new JsonObject { ["arguments"] = arguments };
        if (name is not null)
        {
            function["name"] = name;
        }
        var call = new JsonObject { ["index"] = index, ["function"] = function };
        if (id is not null)
        {
            call["id"] = id;
            call["type"] = "function";
        }
        return Chunk(new JsonObject { ["tool_calls"] = new JsonArray(call) });
    }

    /// <summary>Writes each chunk as one SSE event and flushes it, then "data: [DONE]".</summary>
    public static async Task StreamAsync(HttpContext context, IEnumerable<JsonObject> chunks, Func<int, Task>? beforeChunk = null, bool done = true)
    {
        context.Response.ContentType = "text/event-stream";
        var index = 0;
        foreach (var chunk in chunks)
        {
            if (beforeChunk is not null)
            {
                await beforeChunk(index);
            }
            await context.Response.WriteAsync($"data: {chunk.ToJsonString()}\n\n");
            await context.Response.Body.FlushAsync();
            index++;
        }
        if (done)
        {
            await context.Response.WriteAsync("data: [DONE]\n\n");
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        Requests.Enqueue(new FakeRequest(context.Request.Method, context.Request.Path, context.Request.Headers.Authorization.ToString(), body));
        if (context.Request.Method == "GET" && context.Request.Path == "/v1/models")
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1,"owned_by":"system"},{"id":"local-llama","object":"model","created":1,"owned_by":"me"}]}""");
            return;
        }
        if (_answers.TryDequeue(out var answer))
        {
            await answer(context);
            return;
        }
        if (Otherwise is { } otherwise)
        {
            await otherwise(context, body);
            return;
        }
        await StreamAsync(context, TextChunks(["Hello"], 3, 1));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
