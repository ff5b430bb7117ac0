using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Providers;

namespace OpenMotoko.Tests.Providers.OpenAi;

public sealed class OpenAiProviderTests
{
    internal const string Key = "sk-test-openai-key-1234567890";

    internal static async Task<TestApp> StartAsync(FakeOpenAi fake, Dictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["OPENAI_API_KEY"] = Key,
            ["OPENAI_BASE_URL"] = fake.BaseUrl,
        };
        foreach (var (name, value) in extra ?? [])
        {
            environment[name] = value;
        }
        return await TestApp.StartAsync(environment);
    }

    internal static ILlmProvider Provider(TestApp app, string id) =>
        app.Services.GetServices<ILlmProvider>().Single(p => p.Id == id);

    internal static ChatRequest Ask(string text, IReadOnlyList<ToolDefinition>? tools = null) =>
        new("gpt-4o-mini", "You are terse.", [new ChatMessage(ChatRole.User, text)], tools ?? []);

    internal static async Task<List<ChatStreamEvent>> CollectAsync(IAsyncEnumerable<ChatStreamEvent> stream)
    {
        var events = new List<ChatStreamEvent>();
        await foreach (var item in stream)
        {
            events.Add(item);
        }
        return events;
    }

    [Fact]
    public async Task Plain_reply_sends_the_wire_request_and_reads_text_usage_and_finish()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.ThenText("Hello", " there");
        await using var app = await StartAsync(fake);

        var events = await CollectAsync(Provider(app, "openai").StreamAsync(Ask("Hi"), CancellationToken.None));

        Assert.Equal(["Hello", " there"], events.OfType<TextDelta>().Select(d => d.Text));
        Assert.Equal(new UsageReport(11, 7), events.OfType<UsageReport>().Single());
        Assert.Equal("stop", Assert.IsType<StreamFinished>(events[^1]).StopReason);
        var sent = Assert.Single(fake.Requests);
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.Equal($"Bearer {Key}", sent.Authorization);
        Assert.Equal("gpt-4o-mini", sent.Body.GetProperty("model").GetString());
        Assert.True(sent.Body.GetProperty("stream").GetBoolean());
        Assert.True(sent.Body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        var messages = sent.Body.GetProperty("messages");
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("You are terse.", messages[0].GetProperty("content").GetString());
        Assert.Equal("user", messages[1].GetProperty("role").GetString());
        Assert.Equal("Hi", messages[1].GetProperty("content").GetString());
        Assert.False(sent.Body.TryGetProperty("tools", out _));
    }

    [Fact]
    public async Task Text_reaches_the_caller_before_the_provider_has_finished()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.Then(ctx => FakeOpenAi.StreamAsync(ctx, FakeOpenAi.TextChunks(["first", " second"], 5, 2),
            beforeChunk: index => index == 2 ? firstSeen.Task : Task.CompletedTask));
        await using var app = await StartAsync(fake);

        var texts = new List<string>();
        await foreach (var item in Provider(app, "openai").StreamAsync(Ask("Hi"), CancellationToken.None))
        {
            if (item is TextDelta delta)
            {
                texts.Add(delta.Text);
                firstSeen.TrySetResult(); // the server holds the rest back until the first delta arrived here
            }
        }
        Assert.Equal(["first", " second"], texts);
    }

    [Fact]
    public async Task Tool_round_trip_assembles_arguments_and_replays_history_in_openai_format()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.Then(ctx => FakeOpenAi.StreamAsync(ctx,
        [
            FakeOpenAi.ToolDelta(0, "call_abc", "get_weather", ""),
            FakeOpenAi.ToolDelta(0, null, null, "{\"city\":"),
            FakeOpenAi.ToolDelta(0, null, null, "\"Oslo\"}"),
            FakeOpenAi.Chunk(new JsonObject(), "tool_calls"),
            FakeOpenAi.UsageChunk(20, 9),
        ]));
        fake.ThenText("It is 3 degrees.");
        await using var app = await StartAsync(fake);
        var provider = Provider(app, "openai");
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement;
        ToolDefinition[] tools = [new("get_weather", "Weather for a city", schema)];

        var first = await CollectAsync(provider.StreamAsync(Ask("Weather in Oslo?", tools), CancellationToken.None));
        var call = Assert.Single(first.OfType<ToolCallReady>()).Call;
        Assert.Equal("call_abc", call.Id);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Oslo", call.Arguments.GetProperty("city").GetString());
        Assert.Equal("tool_calls", Assert.IsType<StreamFinished>(first[^1]).StopReason);

        var history = new List<ChatMessage>
        {
            new(ChatRole.User, "Weather in Oslo?"),
            new(ChatRole.Assistant, null, [call]),
            new(ChatRole.Tool, null, ToolResults: [new ToolResult("call_abc", "get_weather", "{\"temp\":3}", false)]),
        };
        var second = await CollectAsync(provider.StreamAsync(new ChatRequest("gpt-4o-mini", null, history, tools), CancellationToken.None));
        Assert.Equal("It is 3 degrees.", string.Concat(second.OfType<TextDelta>().Select(d => d.Text)));

        var firstBody = fake.Requests.First().Body;
        var tool = firstBody.GetProperty("tools")[0];
        Assert.Equal("function", tool.GetProperty("type").GetString());
        Assert.Equal("get_weather", tool.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Weather for a city", tool.GetProperty("function").GetProperty("description").GetString());
        Assert.Equal("object", tool.GetProperty("function").GetProperty("parameters").GetProperty("type").GetString());

        var replayed = fake.Requests.Last().Body.GetProperty("messages");
        Assert.Equal(3, replayed.GetArrayLength());
        var assistant = replayed[1];
        Assert.Equal("assistant", assistant.GetProperty("role").GetString());
        var replayedCall = assistant.GetProperty("tool_calls")[0];
        Assert.Equal("call_abc", replayedCall.GetProperty("id").GetString());
        Assert.Equal("function", replayedCall.GetProperty("type").GetString());
        Assert.Equal("get_weather", replayedCall.GetProperty("function").GetProperty("name").GetString());
        var arguments = replayedCall.GetProperty("function").GetProperty("arguments");
        Assert.Equal(JsonValueKind.String, arguments.ValueKind);
        Assert.Equal("Oslo", JsonDocument.Parse(arguments.GetString()!).RootElement.GetProperty("city").GetString());
        Assert.Equal("tool", replayed[2].GetProperty("role").GetString());
        Assert.Equal("call_abc", replayed[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("{\"temp\":3}", replayed[2].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Parallel_tool_calls_interleaved_by_index_are_assembled_separately()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.Then(ctx => FakeOpenAi.StreamAsync(ctx,
        [
            FakeOpenAi.ToolDelta(0, "call_a", "get_weather", ""),
            FakeOpenAi.ToolDelta(1, "call_b", "get_time", ""),
            FakeOpenAi.ToolDelta(0, null, null, "{\"city\":\"Os"),
            FakeOpenAi.ToolDelta(1, null, null, "{\"timezone\":"),
            FakeOpenAi.ToolDelta(0, null, null, "lo\"}"),
            FakeOpenAi.ToolDelta(1, null, null, "\"UTC\"}"),
            FakeOpenAi.Chunk(new JsonObject(), "tool_calls"),
            FakeOpenAi.UsageChunk(30, 12),
        ]));
        await using var app = await StartAsync(fake);

        var events = await CollectAsync(Provider(app, "openai").StreamAsync(Ask("both"), CancellationToken.None));

        var calls = events.OfType<ToolCallReady>().Select(c => c.Call).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(("call_a", "get_weather", "Oslo"), (calls[0].Id, calls[0].Name, calls[0].Arguments.GetProperty("city").GetString()));
        Assert.Equal(("call_b", "get_time", "UTC"), (calls[1].Id, calls[1].Name, calls[1].Arguments.GetProperty("timezone").GetString()));
        Assert.Equal(new UsageReport(30, 12), events.OfType<UsageReport>().Single());
    }

    [Fact]
    public async Task Provider_error_carries_the_providers_message_without_the_key()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.ThenError(401, $"Incorrect API key provided: {Key}. You can find your API key at https://platform.openai.com.", "invalid_request_error");
        await using var app = await StartAsync(fake);

        var error = await Assert.ThrowsAsync<LlmException>(() => CollectAsync(Provider(app, "openai").StreamAsync(Ask("Hi"), CancellationToken.None)));

        Assert.Equal(401, error.StatusCode);
        Assert.False(error.Retryable);
        Assert.Contains("Incorrect API key provided", error.Message);
        Assert.DoesNotContain(Key, error.Message);
        Assert.Contains("[redacted]", error.Message);
    }

    [Fact]
    public async Task Rate_limit_with_retry_after_is_retried_and_then_succeeds()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.ThenError(429, "Rate limit reached for gpt-4o-mini", "requests", retryAfter: "2");
        fake.ThenText("after", " waiting");
        await using var app = await StartAsync(fake);

        var call = CollectAsync(Provider(app, "openai").StreamAsync(Ask("Hi"), CancellationToken.None));
        while (fake.Requests.Count < 2 && !call.IsCompleted)
        {
            // The retry waits Retry-After on the daemon's clock: move it on until the second attempt arrives.
            app.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(call, Task.Delay(20));
        }
        var events = await call;

        Assert.Equal("after waiting", string.Concat(events.OfType<TextDelta>().Select(d => d.Text)));
        Assert.Equal(2, fake.Requests.Count);
    }

    [Fact]
    public async Task A_stream_that_goes_silent_is_abandoned_after_the_idle_timeout()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.Then(ctx => FakeOpenAi.StreamAsync(ctx, FakeOpenAi.TextChunks(["one", " two"], 1, 1),
            beforeChunk: index => index == 2 ? release.Task.WaitAsync(ctx.RequestAborted) : Task.CompletedTask));
        await using var app = await StartAsync(fake);

        var texts = new List<string>();
        var error = await Assert.ThrowsAsync<LlmException>(async () =>
        {
            await foreach (var item in Provider(app, "openai").StreamAsync(Ask("Hi"), CancellationToken.None))
            {
                if (item is TextDelta delta)
                {
                    texts.Add(delta.Text);
                    app.Time.Advance(ProviderHttp.StreamIdleTimeout + TimeSpan.FromSeconds(1));
                }
            }
        });

        Assert.Equal(["one"], texts);
        Assert.Contains("sent nothing", error.Message);
        release.TrySetResult();
    }
}
