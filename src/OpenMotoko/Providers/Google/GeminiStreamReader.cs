using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace OpenMotoko.Providers.Google;

/// <summary>
/// Reads streamGenerateContent?alt=sse: every chunk is a whole GenerateContentResponse whose parts
/// are new text or whole function calls; usageMetadata is cumulative (the last one wins).
/// </summary>
internal static class GeminiStreamReader
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static async IAsyncEnumerable<ChatStreamEvent> ReadAsync(Stream body, IReadOnlyList<string?> secrets, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = GeminiToolIds.NewBatch();
        var calls = 0;
        string? finishReason = null;
        var parser = SseParser.Create(body, static (_, data) => Parse(data));
        await foreach (var item in parser.EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            var chunk = item.Data;
            if (chunk.Error is { } error)
            {
                throw new LlmException(GeminiProvider.ProviderId, error.Code,
                    SecretScrubber.Scrub($"google failed mid-answer ({error.Status ?? "error"}): {error.Message ?? "no message"}", secrets),
                    retryable: error.Code is 429 or >= 500);
            }
            if (chunk.PromptFeedback?.BlockReason is { } blocked && chunk.Candidates is not { Count: > 0 })
            {
                throw new LlmException(GeminiProvider.ProviderId, 400, $"google refused the prompt ({blocked}).");
            }
            var candidate = chunk.Candidates is { Count: > 0 } candidates ? candidates[0] : null;
            foreach (var part in candidate?.Content?.Parts ?? [])
            {
                if (part.FunctionCall is { } call)
                {
                    var args = call.Args is { ValueKind: JsonValueKind.Object } given ? given : EmptyObject;
                    yield return new ToolCallReady(new ToolCall(GeminiToolIds.Create(batch, calls++, part.ThoughtSignature), call.Name, args));
                }
                else if (part is { Text: { Length: > 0 } text, Thought: not true })
                {
                    yield return new TextDelta(text);
                }
            }
            if (chunk.UsageMetadata is { } usage)
            {
                // Thinking tokens are billed as output.
                yield return new UsageReport(usage.PromptTokenCount ?? 0, (usage.CandidatesTokenCount ?? 0) + (usage.ThoughtsTokenCount ?? 0));
            }
            finishReason = candidate?.FinishReason ?? finishReason;
        }
        if (finishReason is null)
        {
            throw new LlmException(GeminiProvider.ProviderId, null, "google ended the stream without a finishReason; the answer is incomplete.", retryable: true);
        }
        yield return new StreamFinished(finishReason);
    }

    private static GeminiChunk Parse(ReadOnlySpan<byte> data)
    {
        try
        {
            return JsonSerializer.Deserialize(data, GeminiJsonContext.Default.GeminiChunk)
                   ?? throw new LlmException(GeminiProvider.ProviderId, null, "google sent an empty chunk.");
        }
        catch (JsonException ex)
        {
            throw new LlmException(GeminiProvider.ProviderId, null, $"google sent a chunk that is not valid JSON: {ex.Message}", inner: ex);
        }
    }
}
