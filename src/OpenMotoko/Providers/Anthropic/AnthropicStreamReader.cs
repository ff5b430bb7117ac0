using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace OpenMotoko.Providers.Anthropic;

/// <summary>
/// Reads the Messages API event stream: text deltas pass straight through, tool_use input arrives as
/// input_json_delta pieces per block index and is emitted whole at content_block_stop.
/// </summary>
internal static class AnthropicStreamReader
{
    public static async IAsyncEnumerable<ChatStreamEvent> ReadAsync(Stream body, IReadOnlyList<string?> secrets, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var tools = new Dictionary<int, (string Id, string Name, StringBuilder Json)>();
        long input = 0, output = 0;
        string? stopReason = null;
        var parser = SseParser.Create(body, static (_, data) => Parse(data));
        await foreach (var item in parser.EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            var e = item.Data;
            switch (e.Type)
            {
                case "message_start":
                    input = Input(e.Message?.Usage) ?? input;
                    output = e.Message?.Usage?.OutputTokens ?? output;
                    yield return new UsageReport(input, output);
                    break;
                case "content_block_start" when e.ContentBlock is { Type: "tool_use" } block:
                    tools[e.Index ?? 0] = (block.Id ?? $"toolu_{e.Index}", block.Name ?? "", new StringBuilder());
                    break;
                case "content_block_start" when e.ContentBlock is { Type: "text", Text: { Length: > 0 } text }:
                    yield return new TextDelta(text);
                    break;
                case "content_block_delta" when e.Delta is { Type: "text_delta", Text: { Length: > 0 } text }:
                    yield return new TextDelta(text);
                    break;
                case "content_block_delta" when e.Delta is { Type: "input_json_delta" } delta && tools.TryGetValue(e.Index ?? 0, out var pending):
                    pending.Json.Append(delta.PartialJson);
                    break;
                case "content_block_stop" when tools.Remove(e.Index ?? 0, out var done):
                    yield return new ToolCallReady(new ToolCall(done.Id, done.Name, ToolCallArguments.Parse(done.Json.ToString())));
                    break;
                case "message_delta":
                    stopReason = e.Delta?.StopReason ?? stopReason;
                    input = Input(e.Usage) ?? input;
                    output = e.Usage?.OutputTokens ?? output;
                    yield return new UsageReport(input, output);
                    break;
                case "message_stop":
                    yield return new StreamFinished(stopReason ?? "end_turn");
                    yield break;
                case "error":
                    throw StreamError(e.Error, secrets);
            }
        }
        throw new LlmException(AnthropicProvider.ProviderId, null, "anthropic ended the stream before message_stop; the answer is incomplete.", retryable: true);
    }

    /// <summary>Input tokens as billed: uncached input plus cache writes and reads, when the API reports them.</summary>
    private static long? Input(AnthropicUsage? usage) =>
        usage?.InputTokens is { } tokens ? tokens + (usage.CacheCreationInputTokens ?? 0) + (usage.CacheReadInputTokens ?? 0) : null;

    private static AnthropicEvent Parse(ReadOnlySpan<byte> data)
    {
        try
        {
            return JsonSerializer.Deserialize(data, AnthropicJsonContext.Default.AnthropicEvent)
                   ?? throw new LlmException(AnthropicProvider.ProviderId, null, "anthropic sent an empty event.");
        }
        catch (JsonException ex)
        {
            throw new LlmException(AnthropicProvider.ProviderId, null, $"anthropic sent an event that is not valid JSON: {ex.Message}", inner: ex);
        }
    }

    private static LlmException StreamError(AnthropicErrorBody? error, IReadOnlyList<string?> secrets)
    {
        var type = error?.Type ?? "error";
        var status = type switch
        {
            "overloaded_error" => 529,
            "rate_limit_error" => 429,
            "api_error" => 500,
            "invalid_request_error" => 400,
            _ => (int?)null,
        };
        return new LlmException(AnthropicProvider.ProviderId, status,
            SecretScrubber.Scrub($"anthropic failed mid-answer ({type}): {error?.Message ?? "no message"}", secrets),
            retryable: status is 529 or 429 or 500);
    }
}
