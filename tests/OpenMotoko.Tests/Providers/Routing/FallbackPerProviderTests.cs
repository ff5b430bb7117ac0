using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Providers;
using OpenMotoko.Tests.Providers.Fakes;
using OpenMotoko.Tests.Providers.OpenAi;
using static OpenMotoko.Tests.Providers.Fakes.WireProviderApp;

namespace OpenMotoko.Tests.Providers.Routing;

/// <summary>
/// llm.fallbacks through the real router for each of the five providers, each fake speaking its
/// provider's own wire format. The rows of each theory form a ring, so every provider is once the
/// choice that fails and once the fallback that answers.
/// </summary>
public sealed class FallbackPerProviderTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private static readonly ChatRequest Question = Ask("replaced-per-attempt", "Who answers?");

    [Theory]
    [InlineData("anthropic", "openai")]
    [InlineData("openai", "google")]
    [InlineData("google", "ollama")]
    [InlineData("ollama", "generic")]
    [InlineData("generic", "anthropic")]
    public async Task A_provider_that_stays_overloaded_hands_the_turn_to_the_next_fallback(string failing, string answering)
    {
        var (down, up) = (Wires[failing], Wires[answering]);
        await using var downFake = await WireFakeServer.StartAsync();
        await using var upFake = await WireFakeServer.StartAsync();
        for (var i = 0; i < 4; i++)
        {
            down.Overloaded(downFake);
        }
        up.Answer(upFake, ["from", " the fallback"]);
        await using var app = await StartAsync(down.Environment(downFake.BaseUrl), up.Environment(upFake.BaseUrl));
        await RouterTestKit.SetAsync(app, $$"""{"llm.fallbacks":["nosuch/skipped","{{up.Qualified}}"]}""");
        var observer = new RecordingObserver();

        var events = await RouterTestKit.RouteAsync(app, down.Qualified, Question, observer).WaitAsync(Guard);

        Assert.Equal(4, downFake.Requests.Count); // the first try and the pipeline's three retries (Retry-After: 0)
        Assert.All(downFake.Requests, r => Assert.Equal(down.Path, r.PathAndQuery));
        var sent = Assert.Single(upFake.Requests);
        Assert.Equal(up.Path, sent.PathAndQuery);
        Assert.Contains(up.Model, sent.PathAndQuery + sent.Body);
        Assert.Equal("from the fallback", RoutedText(events));
        Assert.All(events, e => Assert.Equal((answering, up.Model), (e.Provider, e.Model)));
        Assert.Equal([down.Qualified, up.Qualified], observer.Before);
        Assert.Equal([(up.Qualified, 12L, 5L)], observer.After.Select(a => (a.Model, a.Input, a.Output)));
    }

    [Theory]
    [InlineData("anthropic", "generic")]
    [InlineData("openai", "anthropic")]
    [InlineData("google", "openai")]
    [InlineData("ollama", "google")]
    [InlineData("generic", "ollama")]
    public async Task A_provider_that_cannot_be_reached_hands_the_turn_to_the_next_fallback(string failing, string answering)
    {
        var (down, up) = (Wires[failing], Wires[answering]);
        await using var upFake = await WireFakeServer.StartAsync();
        up.Answer(upFake, ["still", " answered"]);
        await using var app = await StartAsync(down.Environment(ClosedPortUrl()), up.Environment(upFake.BaseUrl));
        await RouterTestKit.SetAsync(app, $$"""{"llm.fallbacks":["{{up.Qualified}}"]}""");

        var routed = RouterTestKit.RouteAsync(app, down.Qualified, Question);
        while (upFake.Requests.Count == 0 && !routed.IsCompleted)
        {
            // Connection failures are retried with back-off on the daemon's clock: move it on until the fallback is asked.
            app.Time.Advance(TimeSpan.FromSeconds(5));
            await Task.WhenAny(routed, Task.Delay(20));
        }
        var events = await routed.WaitAsync(Guard);

        Assert.Equal("still answered", RoutedText(events));
        Assert.All(events, e => Assert.Equal((answering, up.Model), (e.Provider, e.Model)));
        Assert.Equal(up.Path, Assert.Single(upFake.Requests).PathAndQuery);
    }

    [Theory]
    [InlineData("anthropic", "google")]
    [InlineData("openai", "ollama")]
    [InlineData("google", "generic")]
    [InlineData("ollama", "anthropic")]
    [InlineData("generic", "openai")]
    public async Task A_stream_that_breaks_before_any_text_hands_the_turn_to_the_next_fallback(string failing, string answering)
    {
        var (down, up) = (Wires[failing], Wires[answering]);
        await using var downFake = await WireFakeServer.StartAsync();
        await using var upFake = await WireFakeServer.StartAsync();
        down.BreakAfter(downFake, null);
        up.Answer(upFake, ["picked", " up"]);
        await using var app = await StartAsync(down.Environment(downFake.BaseUrl), up.Environment(upFake.BaseUrl));
        await RouterTestKit.SetAsync(app, $$"""{"llm.fallbacks":["{{up.Qualified}}"]}""");
        var observer = new RecordingObserver();

        var events = await RouterTestKit.RouteAsync(app, down.Qualified, Question, observer).WaitAsync(Guard);

        Assert.Single(downFake.Requests); // the headers said 200, so the HTTP pipeline had nothing to retry
        Assert.Equal(up.Path, Assert.Single(upFake.Requests).PathAndQuery);
        Assert.Equal("picked up", RoutedText(events));
        Assert.Equal((answering, up.Model), (events[^1].Provider, events[^1].Model));
        Assert.Equal([down.Qualified, up.Qualified], observer.Before);
        Assert.Equal((up.Qualified, 12L, 5L), observer.After.Select(a => (a.Model, a.Input, a.Output)).Last());
    }

    [Theory]
    [InlineData("anthropic", "openai")]
    [InlineData("openai", "google")]
    [InlineData("google", "ollama")]
    [InlineData("ollama", "generic")]
    [InlineData("generic", "anthropic")]
    public async Task A_retryable_break_after_text_has_streamed_is_not_hidden_behind_a_fallback(string failing, string standby)
    {
        var (down, up) = (Wires[failing], Wires[standby]);
        await using var downFake = await WireFakeServer.StartAsync();
        await using var upFake = await WireFakeServer.StartAsync();
        down.BreakAfter(downFake, "partial");
        up.Answer(upFake, ["never", " asked"]);
        await using var app = await StartAsync(down.Environment(downFake.BaseUrl), up.Environment(upFake.BaseUrl));
        await RouterTestKit.SetAsync(app, $$"""{"llm.fallbacks":["{{up.Qualified}}"]}""");
        var router = app.Services.GetRequiredService<ProviderRouter>();

        var texts = new List<string>();
        var error = await Assert.ThrowsAsync<LlmException>(async () =>
        {
            await foreach (var item in router.StreamWithFallbackAsync(down.Qualified, Question, "conv-1", [], CancellationToken.None))
            {
                if (item.Event is TextDelta delta)
                {
                    texts.Add(delta.Text);
                }
            }
        }).WaitAsync(Guard);

        Assert.Equal(["partial"], texts);
        Assert.Equal(failing, error.Provider);
        Assert.True(error.Retryable); // only the text already shown keeps the router from trying the fallback
        Assert.Single(downFake.Requests);
        Assert.Empty(upFake.Requests);
    }

    private static async Task<TestApp> StartAsync(Dictionary<string, string> first, Dictionary<string, string> second)
    {
        var environment = new Dictionary<string, string>(first) { ["OPENMOTOKO_PASSWORD"] = TestApp.Password };
        foreach (var (name, value) in second)
        {
            environment[name] = value;
        }
        return await TestApp.StartAsync(environment);
    }

    private static string RoutedText(IEnumerable<RoutedEvent> events) => Texts(events.Select(e => e.Event));

    /// <summary>A loopback URL where nothing listens, so connections are refused.</summary>
    private static string ClosedPortUrl()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"http://127.0.0.1:{port}";
    }

    /// <summary>The one item made from <paramref name="text"/>, or none when a stream breaks before any text.</summary>
    private static IEnumerable<T> Optional<T>(string? text, Func<string, T> make) => text is null ? [] : [make(text)];

    private static string Escaped(string text) => JsonEncodedText.Encode(text).ToString();

    /// <summary>One provider as these tests drive it: its settings, what it is asked, and how it fails, answers and breaks on its own wire.</summary>
    private sealed record Wire(string Id, string Model, string Path, Func<string, Dictionary<string, string>> Environment,
        Action<WireFakeServer> Overloaded, Action<WireFakeServer, string[]> Answer, Action<WireFakeServer, string?> BreakAfter)
    {
        public string Qualified => $"{Id}/{Model}";
    }

    private static (string?, string) Data(JsonObject chunk) => (null, chunk.ToJsonString());

    private const string AnthropicOverloaded = """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""";

    private static readonly (string?, string)[] AnthropicStart =
    [
        ("message_start", """{"type":"message_start","message":{"id":"msg_fb","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":12,"output_tokens":1}}}"""),
        ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
    ];

    private static (string?, string) AnthropicDelta(string text) =>
        ("content_block_delta", $$$"""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"{{{Escaped(text)}}}"}}""");

    private const string GeminiOverloaded = """{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}""";

    private static readonly Dictionary<string, Wire> Wires = new Wire[]
    {
        new("anthropic", "claude-sonnet-4-5", "/v1/messages",
            url => new() { ["ANTHROPIC_API_KEY"] = "sk-ant-test-fallback-0123", ["ANTHROPIC_BASE_URL"] = url },
            fake => fake.EnqueueJson(529, AnthropicOverloaded, ("retry-after", "0")),
            (fake, pieces) => fake.EnqueueSse(
            [
                .. AnthropicStart,
                .. pieces.Select(AnthropicDelta),
                ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
                ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":5}}"""),
                ("message_stop", """{"type":"message_stop"}"""),
            ]),
            (fake, text) => fake.EnqueueSse(
            [
                .. AnthropicStart,
                .. Optional(text, AnthropicDelta),
                ("error", AnthropicOverloaded),
            ])),
        OpenAiStyle("openai", "gpt-4o-mini", url => new() { ["OPENAI_API_KEY"] = "sk-test-fallback-0123", ["OPENAI_BASE_URL"] = url + "/v1" },
            """{"error":{"message":"The engine is currently overloaded, please try again later","type":"server_error","param":null,"code":null}}"""),
        new("google", "gemini-2.5-flash", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            url => new() { ["GOOGLE_AI_API_KEY"] = "AIza-test-fallback-0123", ["GOOGLE_AI_BASE_URL"] = url },
            fake => fake.EnqueueJson(503, GeminiOverloaded, ("retry-after", "0")),
            (fake, pieces) => fake.EnqueueSse([.. pieces.Select((p, i) => ((string?)null, GeminiChunk(p, last: i == pieces.Length - 1)))]),
            (fake, text) => fake.EnqueueSse(
            [
                .. Optional(text, t => ((string?)null, GeminiChunk(t, last: false))),
                (null, GeminiOverloaded),
            ])),
        new("ollama", "llama3.2", "/api/chat",
            url => new() { ["OLLAMA_HOST"] = url },
            fake => fake.EnqueueJson(503, """{"error":"server busy, please try again.  maximum pending requests exceeded"}""", ("retry-after", "0")),
            (fake, pieces) => fake.EnqueueNdjson(
            [
                .. pieces.Select(OllamaLine),
                """{"model":"llama3.2","created_at":"2026-11-28T12:00:01Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":1,"prompt_eval_count":12,"eval_count":5}""",
            ]),
            (fake, text) => fake.EnqueueNdjson([.. Optional(text, OllamaLine)])), // and the stream ends without its done line
        OpenAiStyle("generic", "local-llama", url => new() { ["GENERIC_LLM_BASE_URL"] = url + "/v1" },
            """{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}"""),
    }.ToDictionary(w => w.Id);

    /// <summary>OpenAI and OpenAI-compatible servers share the wire: SSE chunks ending in [DONE].</summary>
    private static Wire OpenAiStyle(string id, string model, Func<string, Dictionary<string, string>> environment, string overloadedBody) =>
        new(id, model, "/v1/chat/completions", environment,
            fake => fake.EnqueueJson(503, overloadedBody, ("retry-after", "0")),
            (fake, pieces) => fake.EnqueueSse([.. FakeOpenAi.TextChunks(pieces, 12, 5).Select(Data), (null, "[DONE]")]),
            (fake, text) => fake.EnqueueSse([.. FakeOpenAi.TextChunks([.. Optional(text, t => t)], 12, 5).SkipLast(2).Select(Data)])); // no finish, no usage, no [DONE]

    private static string GeminiChunk(string text, bool last) =>
        $$"""{"candidates":[{"content":{"role":"model","parts":[{"text":"{{Escaped(text)}}"}]}{{(last ? ",\"finishReason\":\"STOP\"" : "")}},"index":0}]{{(last ? ",\"usageMetadata\":{\"promptTokenCount\":12,\"candidatesTokenCount\":5,\"totalTokenCount\":17}" : "")}},"modelVersion":"gemini-2.5-flash"}""";

    private static string OllamaLine(string text) =>
        $$"""{"model":"llama3.2","created_at":"2026-11-28T12:00:00Z","message":{"role":"assistant","content":"{{Escaped(text)}}"},"done":false}""";
}
