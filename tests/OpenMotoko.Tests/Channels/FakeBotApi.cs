using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenMotoko.Tests.Channels;

/// <summary>One Bot API call the fake received: method and JSON body.</summary>
internal sealed record BotCall(string Method, JsonElement Body)
{
    public string? Text => Body.TryGetProperty("text", out var t) ? t.GetString() : null;
    public string? ChatId => Body.TryGetProperty("chat_id", out var c) ? c.ToString() : null;
    public string? ParseMode => Body.TryGetProperty("parse_mode", out var p) ? p.GetString() : null;
}

/// <summary>
/// A fake Telegram Bot API on loopback speaking the real wire format: POST /bot{token}/{method} with
/// JSON, answers {"ok":true,"result":...} or {"ok":false,"error_code","description","parameters"}.
/// getUpdates long-polls: it returns the queued updates from the asked offset on (kept until a later
/// offset confirms them, as Telegram does) or waits for one. Scripted answers override the next call of a method.
/// </summary>
internal sealed class FakeBotApi : IAsyncDisposable
{
    public const string Token = "123456789:AAHfake-token-for-tests_0123456789";
    public const long BotId = 999;
    private readonly WebApplication _app;
    private readonly List<JsonObject> _updates = [];
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpContext, Task>>> _scripted = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private long _nextUpdate = 100;
    private long _nextMessage = 5000;

    private FakeBotApi(WebApplication app) => _app = app;

    public string BaseUrl => _app.Urls.First();
    public ConcurrentQueue<BotCall> Calls { get; } = new();
    public List<long> Offsets { get; } = [];
    public string AcceptedToken { get; set; } = Token;

    public static async Task<FakeBotApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeBotApi(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    /// <summary>What each chat shows: every message the bot sent, with its latest edit, in the order sent.</summary>
    public List<(long Chat, long Id, string Text)> Shown { get; } = [];

    public BotCall[] Of(string method) => [.. Calls.Where(c => c.Method == method)];

    /// <summary>Queues a text message from a user as Telegram would deliver it.</summary>
    public long AddMessage(long chatId, long fromId, string? text, string chatType = "private", JsonObject? extra = null)
    {
        var message = new JsonObject
        {
            ["message_id"] = Interlocked.Increment(ref _nextMessage),
            ["from"] = new JsonObject { ["id"] = fromId, ["is_bot"] = false, ["first_name"] = "Ann", ["username"] = $"user{fromId}" },
            ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = chatType },
            ["date"] = 1_764_000_000,
        };
        if (text is not null)
        {
            message["text"] = text;
        }
        foreach (var (key, value) in extra ?? [])
        {
            message[key] = value?.DeepClone();
        }
        return AddUpdate(new JsonObject { ["message"] = message });
    }

    public long AddCallback(long chatId, long fromId, long messageId, string data) => AddUpdate(new JsonObject
    {
        ["callback_query"] = new JsonObject
        {
            ["id"] = "cb" + messageId,
            ["from"] = new JsonObject { ["id"] = fromId, ["is_bot"] = false, ["first_name"] = "Ann" },
            ["message"] = new JsonObject { ["message_id"] = messageId, ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" }, ["date"] = 1, ["text"] = "Approve?" },
            ["chat_instance"] = "1",
            ["data"] = data,
        },
    });

    private long AddUpdate(JsonObject update)
    {
        lock (_updates)
        {
            var id = ++_nextUpdate;
            update["update_id"] = id;
            _updates.Add(update);
            _arrived.Release();
            return id;
        }
    }

    /// <summary>The next call of <paramref name="method"/> gets this answer instead of the normal one.</summary>
    public FakeBotApi Then(string method, Func<HttpContext, Task> answer)
    {
        _scripted.GetOrAdd(method, _ => new()).Enqueue(answer);
        return this;
    }

    public FakeBotApi ThenError(string method, int code, string description, int? retryAfter = null) =>
        Then(method, ctx => Error(ctx, code, description, retryAfter));

    public static Task Error(HttpContext context, int code, string description, int? retryAfter = null)
    {
        var body = new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description };
        if (retryAfter is not null)
        {
            body["parameters"] = new JsonObject { ["retry_after"] = retryAfter };
        }
        return Write(context, body, code);
    }

    private static Task Write(HttpContext context, JsonNode body, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task Ok(HttpContext context, JsonNode? result) => Write(context, new JsonObject { ["ok"] = true, ["result"] = result });

    private async Task HandleAsync(HttpContext context)
    {
        var segments = context.Request.Path.Value!.Trim('/').Split('/');
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync();
        var body = text.Length == 0 ? JsonDocument.Parse("{}").RootElement : JsonDocument.Parse(text).RootElement.Clone();
        var method = segments.Length == 2 ? segments[1] : "";
        Calls.Enqueue(new BotCall(method, body));
        if (segments.Length != 2 || segments[0] != "bot" + AcceptedToken)
        {
            await Error(context, 401, "Unauthorized");
            return;
        }
        if (_scripted.TryGetValue(method, out var queue) && queue.TryDequeue(out var scripted))
        {
            await scripted(context);
            return;
        }
        switch (method)
        {
            case "getMe":
                await Ok(context, new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "Moto", ["username"] = "moto_bot" });
                break;
            case "getUpdates":
                await GetUpdatesAsync(context, body);
                break;
            case "sendMessage":
                var id = Interlocked.Increment(ref _nextMessage);
                lock (Shown)
                {
                    Shown.Add((long.Parse(body.GetProperty("chat_id").ToString()), id, body.GetProperty("text").GetString()!));
                }
                await Ok(context, new JsonObject
                {
                    ["message_id"] = id,
                    ["chat"] = new JsonObject { ["id"] = long.Parse(body.GetProperty("chat_id").ToString()), ["type"] = "private" },
                    ["date"] = 1,
                    ["text"] = body.GetProperty("text").GetString(),
                });
                break;
            case "editMessageText":
                lock (Shown)
                {
                    var edited = body.GetProperty("message_id").GetInt64();
                    var at = Shown.FindIndex(m => m.Id == edited);
                    if (at >= 0)
                    {
                        Shown[at] = Shown[at] with { Text = body.GetProperty("text").GetString()! };
                    }
                }
                await Ok(context, true);
                break;
            default:
                await Ok(context, true);
                break;
        }
    }

    private async Task GetUpdatesAsync(HttpContext context, JsonElement body)
    {
        var offset = body.TryGetProperty("offset", out var o) ? o.GetInt64() : 0;
        lock (Offsets)
        {
            Offsets.Add(offset);
        }
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (true)
        {
            JsonArray found;
            lock (_updates)
            {
                _updates.RemoveAll(u => u["update_id"]!.GetValue<long>() < offset); // confirmed by this offset
                found = [.. _updates.Select(u => u.DeepClone())];
            }
            var left = deadline - DateTime.UtcNow;
            if (found.Count > 0 || left <= TimeSpan.Zero)
            {
                await Ok(context, found);
                return;
            }
            try
            {
                await _arrived.WaitAsync(left, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
