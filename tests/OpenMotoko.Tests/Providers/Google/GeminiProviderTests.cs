using System.Text.Json;
using OpenMotoko.Providers;
using OpenMotoko.Tests.Providers.Fakes;
using static OpenMotoko.Tests.Providers.Fakes.WireProviderApp;

namespace OpenMotoko.Tests.Providers.Google;

public sealed class GeminiProviderTests : IAsyncLifetime
{
    private const string Key = "AIzaSy-test-0123456789abcdef";
    private WireFakeServer _fake = null!;
    private TestApp _app = null!;
    private ILlmProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _fake = await WireFakeServer.StartAsync();
        (_app, _provider) = await WireProviderApp.StartAsync("google", new() { ["GOOGLE_AI_API_KEY"] = Key, ["GOOGLE_AI_BASE_URL"] = _fake.BaseUrl });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private static string Chunk(string parts, string? finish = null, string? usage = null) =>
        $$"""{"candidates":[{"content":{"role":"model","parts":{{parts}}}{{(finish is null ? "" : $",\"finishReason\":\"{finish}\"")}},"index":0}]{{(usage is null ? "" : $",\"usageMetadata\":{usage}")}},"modelVersion":"gemini-2.5-flash"}""";

    [Fact]
    public async Task Streams_text_as_it_arrives_skips_thoughts_and_takes_the_last_usage()
    {
        var gate = new TaskCompletionSource();
        _fake.Enqueue(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await WireFakeServer.WriteSseAsync(context, null, Chunk("""[{"text":"pondering","thought":true},{"text":"Hel"}]""", usage: """{"promptTokenCount":10,"candidatesTokenCount":1}"""));
            await gate.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await WireFakeServer.WriteSseAsync(context, null, Chunk("""[{"text":"lo!"}]""", "STOP", """{"promptTokenCount":10,"candidatesTokenCount":5,"thoughtsTokenCount":2,"totalTokenCount":17}"""));
        });

        var events = new List<ChatStreamEvent>();
        await foreach (var item in _provider.StreamAsync(Ask("gemini-2.5-flash", "Say hello"), CancellationToken.None))
        {
            events.Add(item);
            if (item is TextDelta { Text: "Hel" })
            {
                gate.SetResult();
            }
        }

        Assert.Equal(["Hel", "lo!"], events.OfType<TextDelta>().Select(d => d.Text));
        Assert.Equal(new UsageReport(10, 7), events.OfType<UsageReport>().Last());
        Assert.Equal(new StreamFinished("STOP"), events[^1]);

        var request = Assert.Single(_fake.Requests);
        Assert.Equal("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", request.PathAndQuery);
        Assert.Equal(Key, request.Header("x-goog-api-key"));
        Assert.DoesNotContain(Key, request.PathAndQuery);
        Assert.Equal(
            """{"contents":[{"role":"user","parts":[{"text":"Say hello"}]}],"systemInstruction":{"parts":[{"text":"You are terse."}]},"generationConfig":{"maxOutputTokens":4096}}""",
            request.Body);
    }

    [Fact]
    public async Task Tool_round_trip_keeps_the_thought_signature_and_answers_with_function_response()
    {
        _fake.EnqueueSse((null, Chunk("""[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2lnLW9uZQ=="}]""", "STOP",
            """{"promptTokenCount":30,"candidatesTokenCount":8}""")));
        _fake.EnqueueSse((null, Chunk("""[{"text":"18C in Paris."}]""", "STOP", """{"promptTokenCount":60,"candidatesTokenCount":6}""")));
        var search = new ToolDefinition("search", "Search", Json(
            """{"type":"object","additionalProperties":false,"properties":{"q":{"type":["string","null"],"format":"uri","const":"x"},"tags":{"type":"array","items":{"type":"string","minLength":1,"$comment":"c"}}}}"""));
        var noArgs = new ToolDefinition("now", "The time", Json("""{"type":"object","properties":{}}"""));

        var first = Ask("gemini-2.5-flash", "Weather in Paris?", WeatherTool, search, noArgs);
        var events = await CollectAsync(_provider, first);
        var call = Assert.Single(events.OfType<ToolCallReady>()).Call;
        Assert.Equal("get_weather", call.Name);
        Assert.Matches("^gem_[0-9a-f]{12}_0_sig_[A-Za-z0-9_-]+$", call.Id);
        Assert.Equal("Paris", call.Arguments.GetProperty("city").GetString());
        Assert.Equal(new UsageReport(30, 8), events.OfType<UsageReport>().Last());

        events = await CollectAsync(_provider, first with
        {
            Messages =
            [
                .. first.Messages,
                new ChatMessage(ChatRole.Assistant, null, [call]),
                new ChatMessage(ChatRole.Tool, null, ToolResults: [new ToolResult(call.Id, "get_weather", "18C", false)]),
            ],
        });
        Assert.Equal("18C in Paris.", Texts(events));

        var body = Json(_fake.Requests[1].Body);
        Assert.Equal(
            """[{"role":"user","parts":[{"text":"Weather in Paris?"}]},""" +
            """{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2lnLW9uZQ=="}]},""" +
            """{"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"output":"18C"}}}]}]""",
            body.GetProperty("contents").GetRawText());
        Assert.Equal(
            """[{"functionDeclarations":[""" +
            """{"name":"get_weather","description":"Current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},""" +
            """{"name":"search","description":"Search","parameters":{"type":"object","properties":{"q":{"type":"string","nullable":true,"enum":["x"]},"tags":{"type":"array","items":{"type":"string","minLength":1}}}}},""" +
            """{"name":"now","description":"The time"}]}]""",
            body.GetProperty("tools").GetRawText());
    }

    [Fact]
    public async Task Parallel_calls_get_distinct_ids_and_results_go_back_in_call_order()
    {
        _fake.EnqueueSse(
            (null, Chunk("""[{"functionCall":{"name":"get_weather","args":{"city":"Rome"}},"thoughtSignature":"c2ln"}]""")),
            (null, Chunk("""[{"functionCall":{"name":"get_weather","args":{"city":"Oslo"}}},{"functionCall":{"name":"now"}}]""", "STOP",
                """{"promptTokenCount":40,"candidatesTokenCount":20}""")));
        _fake.EnqueueSse((null, Chunk("""[{"text":"done"}]""", "STOP", """{"promptTokenCount":1,"candidatesTokenCount":1}""")));

        var first = Ask("gemini-2.5-pro", "Rome and Oslo?", WeatherTool);
        var calls = (await CollectAsync(_provider, first)).OfType<ToolCallReady>().Select(c => c.Call).ToList();
        Assert.Equal(3, calls.Select(c => c.Id).Distinct().Count());
        Assert.Equal(["Rome", "Oslo"], calls.Take(2).Select(c => c.Arguments.GetProperty("city").GetString()));
        Assert.Equal("{}", calls[2].Arguments.GetRawText());

        await CollectAsync(_provider, first with
        {
            Messages =
            [
                .. first.Messages,
                new ChatMessage(ChatRole.Assistant, "Let me check.", calls),
                new ChatMessage(ChatRole.Tool, null, ToolResults:
                [
                    new(calls[2].Id, "now", "12:00", false), new(calls[1].Id, "get_weather", "2C", false), new(calls[0].Id, "get_weather", "no data", true),
                ]),
                new ChatMessage(ChatRole.User, "And tomorrow?"),
            ],
        });
        var contents = Json(_fake.Requests[1].Body).GetProperty("contents");
        Assert.Equal(3, contents.GetArrayLength());
        Assert.Equal(
            """[{"text":"Let me check."},{"functionCall":{"name":"get_weather","args":{"city":"Rome"}},"thoughtSignature":"c2ln"},""" +
            """{"functionCall":{"name":"get_weather","args":{"city":"Oslo"}}},{"functionCall":{"name":"now","args":{}}}]""",
            contents[1].GetProperty("parts").GetRawText());
        Assert.Equal(
            """[{"functionResponse":{"name":"get_weather","response":{"error":"no data"}}},{"functionResponse":{"name":"get_weather","response":{"output":"2C"}}},""" +
            """{"functionResponse":{"name":"now","response":{"output":"12:00"}}},{"text":"And tomorrow?"}]""",
            contents[2].GetProperty("parts").GetRawText());
    }

    [Fact]
    public async Task Calls_made_by_another_provider_are_replayed_with_the_documented_bypass_signature()
    {
        _fake.EnqueueSse((null, Chunk("""[{"text":"ok"}]""", "STOP", """{"promptTokenCount":1,"candidatesTokenCount":1}""")));
        var calls = new List<ToolCall> { new("toolu_01A", "get_weather", Json("""{"city":"Rome"}""")), new("toolu_01B", "get_weather", Json("""{"city":"Oslo"}""")) };
        var request = Ask("gemini-3-pro-preview", "Rome and Oslo?", WeatherTool);

        await CollectAsync(_provider, request with
        {
            Messages =
            [
                .. request.Messages,
                new ChatMessage(ChatRole.Assistant, null, calls),
                new ChatMessage(ChatRole.Tool, null, ToolResults: [new("toolu_01A", "get_weather", "25C", false), new("toolu_01B", "get_weather", "2C", false)]),
            ],
        });

        var parts = Json(_fake.Requests[0].Body).GetProperty("contents")[1].GetProperty("parts");
        Assert.Equal("skip_thought_signature_validator", parts[0].GetProperty("thoughtSignature").GetString());
        Assert.False(parts[1].TryGetProperty("thoughtSignature", out _));
    }

    [Fact]
    public async Task An_error_response_surfaces_status_and_message_without_the_key()
    {
        _fake.EnqueueJson(400, $$$"""{"error":{"code":400,"message":"API key not valid: {{{Key}}}","status":"INVALID_ARGUMENT"}}""");

        var error = await Assert.ThrowsAsync<LlmException>(() => CollectAsync(_provider, Ask("gemini-2.5-flash", "hi")));

        Assert.Equal(400, error.StatusCode);
        Assert.Contains("API key not valid", error.Message);
        Assert.Contains("INVALID_ARGUMENT", error.Message);
        Assert.DoesNotContain(Key, error.Message);
    }

    [Fact]
    public async Task A_429_with_retry_after_is_retried_and_then_succeeds()
    {
        _fake.EnqueueJson(429, """{"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED"}}""", ("retry-after", "0"));
        _fake.EnqueueSse((null, Chunk("""[{"text":"ok"}]""", "STOP", """{"promptTokenCount":3,"candidatesTokenCount":1}""")));

        var events = await CollectAsync(_provider, Ask("gemini-2.5-flash", "hi"));

        Assert.Equal("ok", Texts(events));
        Assert.Equal(2, _fake.Requests.Count);
    }

    [Fact]
    public async Task A_stream_without_a_finish_reason_is_reported_incomplete()
    {
        _fake.EnqueueSse((null, Chunk("""[{"text":"half"}]""")));

        var error = await Assert.ThrowsAsync<LlmException>(() => CollectAsync(_provider, Ask("gemini-2.5-flash", "hi")));

        Assert.Contains("incomplete", error.Message);
    }

    [Fact]
    public async Task Lists_the_google_models_of_the_pricing_table()
    {
        var models = await _provider.ListModelsAsync(CancellationToken.None);

        Assert.Contains(new ModelInfo("gemini-2.5-flash", "Gemini 2.5 Flash", 1_048_576, true, 0.30m, 2.50m), models);
        Assert.All(models, m => Assert.StartsWith("gemini", m.Id));
    }
}
