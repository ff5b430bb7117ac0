using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Tests.Providers.Fakes;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.Providers.Routing;

/// <summary>The five providers as <see cref="FallbackPerProviderTests"/> drives them, each failing, answering and breaking on its own wire.</summary>
internal static class ProviderWires
{
    /// <summary>The one item made from <paramref name="text"/>, or none when a stream breaks before any text.</summary>
    internal static IEnumerable<T> Optional<T>(string? text, Func<string, T> make) => text is null ? [] : [make(text)];

    internal static string Escaped(string text) => JsonEncodedText.Encode(text).ToString();

    /// <summary>One provider as these tests drive it: its settings, what it is asked, and how it fails, answers and breaks on its own wire.</summary>
    internal sealed record Wire(string Id, string Model, string Path, Func<string, Dictionary<string, string>> Environment,
        Action<WireFakeServer> Overloaded, Action<WireFakeServer, string[]> Answer, Action<WireFakeServer, string?> BreakAfter)
    {
        public string Qualified => $"{Id}/{Model}";
    }

    internal static (string?, string) Data(JsonObject chunk) => (null, chunk.ToJsonString());

    private const string AnthropicOverloaded = """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""";

    internal static readonly (string?, string)[] AnthropicStart =
    [
        ("message_start", """{"type":"message_start","message":{"id":"msg_fb","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":12,"output_tokens":1}}}"""),
        ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
    ];

    internal static (string?, string) AnthropicDelta(string text) =>
        ("content_block_delta", $$$"""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"{{{Escaped(text)}}}"}}""");

    private const string GeminiOverloaded = """{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}""";

    internal static readonly Dictionary<string, Wire> Wires = new Wire[]
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
    internal static Wire OpenAiStyle(string id, string model, Func<string, Dictionary<string, string>> environment, string overloadedBody) =>
        new(id, model, "/v1/chat/completions", environment,
            fake => fake.EnqueueJson(503, overloadedBody, ("retry-after", "0")),
            (fake, pieces) => fake.EnqueueSse([.. FakeOpenAi.TextChunks(pieces, 12, 5).Select(Data), (null, "[DONE]")]),
            (fake, text) => fake.EnqueueSse([.. FakeOpenAi.TextChunks([.. Optional(text, t => t)], 12, 5).SkipLast(2).Select(Data)])); // no finish, no usage, no [DONE]

    internal static string GeminiChunk(string text, bool last) =>
        $$"""{"candidates":[{"content":{"role":"model","parts":[{"text":"{{Escaped(text)}}"}]}{{(last ? ",\"finishReason\":\"STOP\"" : "")}},"index":0}]{{(last ? ",\"usageMetadata\":{\"promptTokenCount\":12,\"candidatesTokenCount\":5,\"totalTokenCount\":17}" : "")}},"modelVersion":"gemini-2.5-flash"}""";

    internal static string OllamaLine(string text) =>
        $$"""{"model":"llama3.2","created_at":"2026-11-28T12:00:00Z","message":{"role":"assistant","content":"{{Escaped(text)}}"},"done":false}""";
}
