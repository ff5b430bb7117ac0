using System.Text.Json;
using OpenMotoko.Providers;
using OpenMotoko.Tests.Providers.Fakes;
using static OpenMotoko.Tests.Providers.Fakes.WireProviderApp;

namespace OpenMotoko.Tests.Providers.Anthropic;

public sealed class AnthropicProviderTests : IAsyncLifetime
{
    private const string Key = "sk-ant-test-0123456789abcdef";
    private WireFakeServer _fake = null!;
    private TestApp _app = null!;
    private ILlmProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _fake = await WireFakeServer.StartAsync();
        (_app, _provider) = await WireProviderApp.StartAsync("anthropic", new() { ["ANTHROPIC_API_KEY"] = Key, ["ANTHROPIC_BASE_URL"] = _fake.BaseUrl });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task Streams_text_deltas_as_they_arrive_with_exact_usage_and_sends_the_messages_api_request()
    {
        var gate = new TaskCompletionSource();
        _fake.Enqueue(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await WireFakeServer.WriteSseAsync(context, "message_start", """{"type":"message_start","message":{"id":"msg_1","model":"claude-sonnet-4-5","usage":{"input_tokens":25,"output_tokens":1}}}""");
            await WireFakeServer.WriteSseAsync(context, "content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
            await WireFakeServer.WriteSseAsync(context, "ping", """{"type":"ping"}""");
            await WireFakeServer.WriteSseAsync(context, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}""");
            await gate.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the client must see "Hel" before the rest exists
            await WireFakeServer.WriteSseAsync(context, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo!"}}""");
            await WireFakeServer.WriteSseAsync(context, "content_block_stop", """{"type":"content_block_stop","index":0}""");
            await WireFakeServer.WriteSseAsync(context, "message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":12}}""");
            await WireFakeServer.WriteSseAsync(context, "message_stop", """{"type":"message_stop"}""");
        });

        var events = new List<ChatStreamEvent>();
        await foreach (var item in _provider.StreamAsync(Ask("claude-sonnet-4-5", "Say hello"), CancellationToken.None))
        {
            events.Add(item);
            if (item is TextDelta { Text: "Hel" })
            {
                gate.SetResult();
            }
        }

        Assert.Equal(["Hel", "lo!"], events.OfType<TextDelta>().Select(d => d.Text));
        Assert.Equal(new UsageReport(25, 12), events.OfType<UsageReport>().Last());
        Assert.Equal(new StreamFinished("end_turn"), events[^1]);

        var request = Assert.Single(_fake.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/messages", request.PathAndQuery);
        Assert.Equal(Key, request.Header("x-api-key"));
        Assert.Equal("2023-06-01", request.Header("anthropic-version"));
        var body = Json(request.Body);
        Assert.Equal("claude-sonnet-4-5", body.GetProperty("model").GetString());
        Assert.Equal(4096, body.GetProperty("max_tokens").GetInt32());
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.Equal("You are terse.", body.GetProperty("system").GetString());
        Assert.Equal("""[{"role":"user","content":[{"type":"text","text":"Say hello"}]}]""", body.GetProperty("messages").GetRawText());
        Assert.False(body.TryGetProperty("tools", out _));
    }

    [Fact]
    public async Task Tool_round_trip_assembles_input_json_and_replays_tool_use_and_tool_result()
    {
        _fake.EnqueueSse(
            ("message_start", """{"type":"message_start","message":{"usage":{"input_tokens":40,"output_tokens":1}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking."}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{}}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Pa"}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ris\"}"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":1}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":30}}"""),
            ("message_stop", """{"type":"message_stop"}"""));
        _fake.EnqueueSse(
            ("message_start", """{"type":"message_start","message":{"usage":{"input_tokens":90,"output_tokens":1}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"18C in Paris."}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}"""),
            ("message_stop", """{"type":"message_stop"}"""));

        var first = Ask("claude-haiku-4-5", "Weather in Paris?", WeatherTool);
        var events = await CollectAsync(_provider, first);
        var call = Assert.Single(events.OfType<ToolCallReady>()).Call;
        Assert.Equal(("toolu_01A", "get_weather"), (call.Id, call.Name));
        Assert.Equal("Paris", call.Arguments.GetProperty("city").GetString());
        Assert.Equal(new StreamFinished("tool_use"), events[^1]);
        Assert.Equal(new UsageReport(40, 30), events.OfType<UsageReport>().Last());

        var second = first with
        {
            Messages =
            [
                .. first.Messages,
                new ChatMessage(ChatRole.Assistant, "Checking.", [call]),
                new ChatMessage(ChatRole.Tool, null, ToolResults: [new ToolResult("toolu_01A", "get_weather", "18C", false)]),
            ],
        };
        events = await CollectAsync(_provider, second);
        Assert.Equal("18C in Paris.", Texts(events));

        var body = Json(_fake.Requests[1].Body);
        Assert.Equal(
            """[{"role":"user","content":[{"type":"text","text":"Weather in Paris?"}]},""" +
            """{"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"city":"Paris"}}]},""" +
            """{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A","content":"18C"}]}]""",
            body.GetProperty("messages").GetRawText());
        var tool = Assert.Single(body.GetProperty("tools").EnumerateArray());
        Assert.Equal("get_weather", tool.GetProperty("name").GetString());
        Assert.Equal("Current weather for a city", tool.GetProperty("description").GetString());
        Assert.Equal("object", tool.GetProperty("input_schema").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("{\"city\": \"Pa")]
    [InlineData("{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}")]
    public async Task Arguments_that_are_not_json_or_nest_too_deep_arrive_as_text_instead_of_failing_the_stream(string partialJson)
    {
        _fake.EnqueueSse(
            ("message_start", """{"type":"message_start","message":{"usage":{"input_tokens":40,"output_tokens":1}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{}}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""" + JsonSerializer.Serialize(partialJson) + "}}"),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":30}}"""),
            ("message_stop", """{"type":"message_stop"}"""));

        var events = await CollectAsync(_provider, Ask("claude-haiku-4-5", "Weather?", WeatherTool));

        var call = Assert.Single(events.OfType<ToolCallReady>()).Call;
        Assert.Equal(JsonValueKind.String, call.Arguments.ValueKind);
        Assert.Equal(partialJson, call.Arguments.GetString());
    }

    [Fact]
    public async Task Parallel_tool_calls_are_assembled_per_block_index_and_results_share_one_user_turn()
    {
        _fake.EnqueueSse(
            ("message_start", """{"type":"message_start","message":{"usage":{"input_tokens":50,"output_tokens":1}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_A","name":"get_weather","input":{}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_B","name":"get_weather","input":{}}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\":\"Oslo\"}"}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"city\":\"Rome\"}"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":1}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":44}}"""),
            ("message_stop", """{"type":"message_stop"}"""));
        _fake.EnqueueSse(
            ("message_start", """{"type":"message_start","message":{"usage":{"input_tokens":1,"output_tokens":1}}}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1}}"""),
            ("message_stop", """{"type":"message_stop"}"""));

        var first = Ask("claude-sonnet-4-5", "Rome and Oslo?", WeatherTool);
        var calls = (await CollectAsync(_provider, first)).OfType<ToolCallReady>().Select(c => c.Call).ToList();
        Assert.Equal(["toolu_A:Rome", "toolu_B:Oslo"], calls.Select(c => $"{c.Id}:{c.Arguments.GetProperty("city").GetString()}"));

        // Results come back in completion order, then the person adds a message: one user turn.
        await CollectAsync(_provider, first with
        {
            Messages =
            [
                .. first.Messages,
                new ChatMessage(ChatRole.Assistant, "", calls),
                new ChatMessage(ChatRole.Tool, null, ToolResults: [new("toolu_B", "get_weather", "2C", false), new("toolu_A", "get_weather", "boom", true)]),
                new ChatMessage(ChatRole.User, "Thanks"),
            ],
        });
        var messages = Json(_fake.Requests[1].Body).GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        Assert.Equal(["tool_use", "tool_use"], messages[1].GetProperty("content").EnumerateArray().Select(b => b.GetProperty("type").GetString()));
        Assert.Equal(
            """[{"type":"tool_result","tool_use_id":"toolu_B","content":"2C"},{"type":"tool_result","tool_use_id":"toolu_A","content":"boom","is_error":true},{"type":"text","text":"Thanks"}]""",
            messages[2].GetProperty("content").GetRawText());
    }

    [Fact]
    public async Task An_error_response_surfaces_status_and_message_without_the_key()
    {
        _fake.EnqueueJson(400, $$$"""{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens too large for key {{{Key}}}"}}""");

        var error = await Assert.ThrowsAsync<LlmException>(() => CollectAsync(_provider, Ask("claude-sonnet-4-5", "hi")));

        Assert.Equal(400, error.StatusCode);
        Assert.False(error.Retryable);
        Assert.Contains("max_tokens too large", error.Message);
        Assert.Contains("invalid_request_error", error.Message);
        Assert.DoesNotContain(Key, error.Message);
    }

    [Fact]
    public async Task A_mid_stream_error_event_fails_the_call_as_retryable_overload()
    {
        _fake.EnqueueSse(
            ("message_start", """{"type":"message_start","message":{"usage":{"input_tokens":5,"output_tokens":1}}}"""),
            ("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""));

        var error = await Assert.ThrowsAsync<LlmException>(() => CollectAsync(_provider, Ask("claude-sonnet-4-5", "hi")));

        Assert.Equal(529, error.StatusCode);
        Assert.True(error.Retryable);
        Assert.Contains("Overloaded", error.Message);
    }

    [Fact]
    public async Task A_429_with_retry_after_is_retried_by_the_pipeline_and_then_succeeds()
    {
        _fake.EnqueueJson(429, """{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}""", ("retry-after", "0"));
        _fake.EnqueueJson(529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", ("retry-after", "0"));
        _fake.EnqueueSse(
            ("message_start", """{"type":"message_start","message":{"usage":{"input_tokens":3,"output_tokens":1}}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok"}}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}"""),
            ("message_stop", """{"type":"message_stop"}"""));

        var events = await CollectAsync(_provider, Ask("claude-sonnet-4-5", "hi"));

        Assert.Equal("ok", Texts(events));
        Assert.Equal(3, _fake.Requests.Count);
        Assert.All(_fake.Requests, r => Assert.Equal(_fake.Requests[0].Body, r.Body));
    }

    private const string StartEvent = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n";

    [Fact]
    public async Task A_stream_that_goes_silent_fails_after_the_idle_timeout()
    {
        _fake.Enqueue(WireStreamChecks.SendThenStall("text/event-stream", StartEvent));

        var error = await WireStreamChecks.IdleFailureAsync(_app, _provider, Ask("claude-sonnet-4-5", "hi"));

        Assert.Equal("anthropic", error.Provider);
        Assert.Contains("sent nothing for 120 seconds", error.Message);
    }

    [Fact]
    public async Task A_caller_cancel_mid_stream_stays_a_cancellation()
    {
        _fake.Enqueue(WireStreamChecks.SendThenStall("text/event-stream", StartEvent));

        await WireStreamChecks.CallerCancelAsync(_provider, Ask("claude-sonnet-4-5", "hi"));
    }

    [Fact]
    public async Task Lists_the_anthropic_models_of_the_pricing_table()
    {
        var models = await _provider.ListModelsAsync(CancellationToken.None);

        Assert.True(_provider.IsConfigured);
        Assert.Contains(new ModelInfo("claude-sonnet-4-5", "Claude Sonnet 4.5", 200_000, true, 3m, 15m), models);
        Assert.Contains(models, m => m.Id == "claude-3-haiku-20240307"); // a pricing prefix mapped to an id the API accepts
        Assert.DoesNotContain(models, m => m.Id.StartsWith("gpt", StringComparison.Ordinal));
    }
}
