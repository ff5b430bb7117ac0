using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.Agent;

/// <summary>One SSE event as the client saw it.</summary>
internal sealed record SseEvent(string Type, JsonElement Data);

/// <summary>A daemon wired to a fake OpenAI server on loopback, with a logged-in client.</summary>
internal sealed class AgentHarness : IAsyncDisposable
{
    public const string Model = "openai/gpt-4o-mini";
    public const string ApiKey = "sk-test-agent-0123456789";

    private AgentHarness(TestApp app, FakeOpenAi fake, HttpClient client)
    {
        App = app;
        Fake = fake;
        Client = client;
    }

    public TestApp App { get; }
    public FakeOpenAi Fake { get; }
    public HttpClient Client { get; }

    /// <summary>The chat completion requests the fake received, in order.</summary>
    public List<JsonElement> ChatRequests => [.. Fake.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Select(r => r.Body)];

    public static async Task<AgentHarness> StartAsync(Action<IServiceCollection>? services = null, string? settingsJson = null)
    {
        var fake = await FakeOpenAi.StartAsync();
        var app = await TestApp.StartAsync(new Dictionary<string, string>
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["OPENAI_API_KEY"] = ApiKey,
            ["OPENAI_BASE_URL"] = fake.BaseUrl,
            ["GENERIC_LLM_BASE_URL"] = fake.BaseUrl,
        }, configureServices: services);
        await Providers.Routing.RouterTestKit.SetAsync(app, settingsJson ?? $$"""{"defaultModel": "{{Model}}", "app.timezone": "UTC"}""");
        return new AgentHarness(app, fake, await app.LoginClientAsync());
    }

    public async Task<string> CreateConversationAsync(object? body = null)
    {
        using var response = await Client.PostAsJsonAsync("/api/conversations", body ?? new { });
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("id").GetString()!;
    }

    public Task<HttpResponseMessage> PostMessageAsync(string conversationId, string content, string? model = null) =>
        Client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", model is null ? new { content } : (object)new { content, model });

    /// <summary>Posts with Accept: text/event-stream and returns as soon as the headers arrive.</summary>
    public async Task<HttpResponseMessage> PostStreamingAsync(string conversationId, string content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversationId}/messages")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { content }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("text/event-stream");
        return await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    public static async IAsyncEnumerable<SseEvent> EventsAsync(HttpResponseMessage response)
    {
        var stream = await response.Content.ReadAsStreamAsync();
        await foreach (var item in SseParser.Create(stream).EnumerateAsync())
        {
            yield return new SseEvent(item.EventType, JsonDocument.Parse(item.Data).RootElement.Clone());
        }
    }

    public static async Task<List<SseEvent>> AllEventsAsync(HttpResponseMessage response)
    {
        var events = new List<SseEvent>();
        await foreach (var item in EventsAsync(response))
        {
            events.Add(item);
        }
        return events;
    }

    public async Task<JsonElement> GetConversationAsync(string conversationId)
    {
        using var response = await Client.GetAsync($"/api/conversations/{conversationId}");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task<JsonElement[]> MessagesAsync(string conversationId) =>
        [.. (await GetConversationAsync(conversationId)).GetProperty("messages").EnumerateArray()];

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>The roles of the messages in one chat request, e.g. "system,user,assistant+calls,tool".</summary>
    public static string Shape(JsonElement request) => string.Join(",", request.GetProperty("messages").EnumerateArray().Select(m =>
        m.GetProperty("role").GetString() + (m.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array ? "+calls" : "")));

    /// <summary>A streamed answer asking for tool calls: (id, name, arguments JSON) each, finish reason tool_calls.</summary>
    public static List<JsonObject> ToolCallChunks(long prompt, long completion, params (string Id, string Name, string Arguments)[] calls)
    {
        var chunks = new List<JsonObject> { FakeOpenAi.Chunk(new JsonObject { ["role"] = "assistant", ["content"] = null }) };
        for (var i = 0; i < calls.Length; i++)
        {
            var (id, name, arguments) = calls[i];
            var half = arguments.Length / 2;
            chunks.Add(FakeOpenAi.ToolDelta(i, id, name, arguments[..half]));
            chunks.Add(FakeOpenAi.ToolDelta(i, null, null, arguments[half..]));
        }
        chunks.Add(FakeOpenAi.Chunk(new JsonObject(), "tool_calls"));
        chunks.Add(FakeOpenAi.UsageChunk(prompt, completion));
        return chunks;
    }

    public AgentHarness ThenToolCalls(params (string Id, string Name, string Arguments)[] calls)
    {
        Fake.Then(ctx => FakeOpenAi.StreamAsync(ctx, ToolCallChunks(100, 20, calls)));
        return this;
    }

    public AgentHarness ThenText(long prompt, long completion, params string[] pieces)
    {
        Fake.Then(ctx => FakeOpenAi.StreamAsync(ctx, FakeOpenAi.TextChunks(pieces, prompt, completion)));
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
