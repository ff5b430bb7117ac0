using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace OpenMotoko.Providers.OpenAi;

/// <summary>
/// Reads a Chat Completions SSE stream: text deltas as they arrive, tool calls assembled by index
/// (id and name in the first piece, arguments concatenated) and emitted when the choice finishes,
/// usage, then the finish. The body comes wrapped in <see cref="StreamIdleGuard"/>, which turns a silent
/// or broken stream into an <see cref="LlmException"/>.
/// </summary>
internal static class OpenAiStreamReader
{
    public static async IAsyncEnumerable<ChatStreamEvent> ReadAsync(
        Stream body, string providerId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var calls = new SortedDictionary<int, ToolCallBuilder>();
        string? finishReason = null;
        var done = false;
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            var data = item.Data;
            if (data == "[DONE]")
            {
                done = true;
                break;
            }
            if (string.IsNullOrWhiteSpace(data))
            {
                continue;
            }
            var chunk = Parse(data, providerId);
            if (chunk.Error is { } error)
            {
                throw new LlmException(providerId, null, $"{providerId} failed mid-answer: {error.Message ?? error.Type ?? "unknown error"}", retryable: false);
            }
            foreach (var choice in chunk.Choices ?? [])
            {
                if (choice.Index != 0)
                {
                    continue; // we never ask for n > 1
                }
                if (choice.Delta?.Content is { Length: > 0 } text)
                {
                    yield return new TextDelta(text);
                }
                foreach (var piece in choice.Delta?.ToolCalls ?? [])
                {
                    if (!calls.TryGetValue(piece.Index, out var call))
                    {
                        calls[piece.Index] = call = new ToolCallBuilder();
                    }
                    call.Add(piece);
                }
                if (choice.FinishReason is { } reason)
                {
                    finishReason = reason;
                    foreach (var ready in calls.Values)
                    {
                        yield return new ToolCallReady(ready.Build(providerId));
                    }
                    calls.Clear();
                }
            }
            if (chunk.Usage is { } usage)
            {
                yield return new UsageReport(usage.PromptTokens, usage.CompletionTokens);
            }
        }

        if (!done && finishReason is null)
        {
            throw new LlmException(providerId, null, $"{providerId} ended the answer before it was complete.", retryable: true);
        }
        foreach (var ready in calls.Values)
        {
            yield return new ToolCallReady(ready.Build(providerId));
        }
        yield return new StreamFinished(finishReason ?? (calls.Count > 0 ? "tool_calls" : "stop"));
    }

    private static OpenAiChunk Parse(string data, string providerId)
    {
        try
        {
            return JsonSerializer.Deserialize(data, OpenAiJsonContext.Default.OpenAiChunk)
                ?? throw new LlmException(providerId, null, $"{providerId} sent an empty chunk.");
        }
        catch (JsonException ex)
        {
            throw new LlmException(providerId, null, $"{providerId} sent a chunk that is not valid JSON: {ex.Message}", inner: ex);
        }
    }

    private sealed class ToolCallBuilder
    {
        private readonly System.Text.StringBuilder _arguments = new();
        private string? _id;
        private string? _name;

        public void Add(OpenAiToolCallDelta piece)
        {
            _id ??= string.IsNullOrEmpty(piece.Id) ? null : piece.Id;
            _name ??= string.IsNullOrEmpty(piece.Function?.Name) ? null : piece.Function!.Name;
            _arguments.Append(piece.Function?.Arguments);
        }

        public ToolCall Build(string providerId) =>
            _name is null
                ? throw new LlmException(providerId, null, $"{providerId} sent a tool call without a function name.")
                : new ToolCall(_id ?? $"call_{Guid.NewGuid():N}", _name, OpenAiMapping.ParseArguments(_arguments.ToString()));
    }
}
