using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenMotoko.Tests.Webhooks;

/// <summary>
/// Google's OAuth token endpoint and the part of the Gmail API the daemon reads, on loopback, in the
/// real wire format: users.history.list, users.messages.list and users.messages.get (format=metadata).
/// Every request must carry the access token the token endpoint handed out.
/// </summary>
internal sealed class FakeGoogle : IAsyncDisposable
{
    public const string AccessToken = "ya29.fake-access-token";
    private readonly WebApplication _app;

    private FakeGoogle(WebApplication app) => _app = app;

    public string BaseUrl => _app.Urls.First();
    public string TokenUrl => BaseUrl + "/token";
    public ConcurrentQueue<string> Requests { get; } = new();
    public ConcurrentQueue<Dictionary<string, string>> TokenForms { get; } = new();

    /// <summary>Message ids added after each history id; the newest inbox message; the metadata of each message.</summary>
    public Dictionary<string, string[]> AddedSince { get; } = [];
    public string NewestId { get; set; } = "m-newest";
    public string LatestHistoryId { get; set; } = "500";
    public Dictionary<string, (string From, string Subject, string Snippet)> Messages { get; } = [];

    public static async Task<FakeGoogle> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeGoogle(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        Requests.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        if (request.Path == "/token")
        {
            var form = await request.ReadFormAsync();
            TokenForms.Enqueue(form.ToDictionary(f => f.Key, f => f.Value.ToString()));
            await context.Response.WriteAsync(new JsonObject { ["access_token"] = AccessToken, ["expires_in"] = 3599, ["token_type"] = "Bearer" }.ToJsonString());
            return;
        }
        if (request.Headers.Authorization != $"Bearer {AccessToken}")
        {
            context.Response.StatusCode = 401;
            return;
        }
        const string api = "/gmail/v1/users/me";
        var path = request.Path.Value!;
        JsonNode? answer = null;
        if (path == api + "/history" && AddedSince.TryGetValue(request.Query["startHistoryId"].ToString(), out var added))
        {
            answer = new JsonObject
            {
                ["history"] = new JsonArray([.. added.Select(id => (JsonNode)new JsonObject
                {
                    ["id"] = "401",
                    ["messagesAdded"] = new JsonArray(new JsonObject { ["message"] = new JsonObject { ["id"] = id, ["threadId"] = id, ["labelIds"] = new JsonArray("INBOX") } }),
                })]),
                ["historyId"] = LatestHistoryId,
            };
        }
        else if (path == api + "/messages" && request.Query["labelIds"] == "INBOX")
        {
            answer = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["id"] = NewestId, ["threadId"] = NewestId }), ["resultSizeEstimate"] = 1 };
        }
        else if (path.StartsWith(api + "/messages/", StringComparison.Ordinal) && request.Query["format"] == "metadata" &&
                 Messages.TryGetValue(path[(api.Length + "/messages/".Length)..], out var message))
        {
            answer = new JsonObject
            {
                ["id"] = path[(api.Length + "/messages/".Length)..],
                ["snippet"] = message.Snippet,
                ["payload"] = new JsonObject
                {
                    ["headers"] = new JsonArray(
                        new JsonObject { ["name"] = "From", ["value"] = message.From },
                        new JsonObject { ["name"] = "Subject", ["value"] = message.Subject },
                        new JsonObject { ["name"] = "Date", ["value"] = "Sat, 28 Nov 2026 12:00:00 +0000" }),
                },
            };
        }
        if (answer is null)
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("""{"error":{"code":404,"message":"Requested entity was not found."}}""");
            return;
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
