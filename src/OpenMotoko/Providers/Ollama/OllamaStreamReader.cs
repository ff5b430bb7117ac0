using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OpenMotoko.Providers.Ollama;

/// <summary>Reads the /api/chat NDJSON stream: content pieces, whole tool calls, and a final line with counts.</summary>
internal static class OllamaStreamReader
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static async IAsyncEnumerable<ChatStreamEvent> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = "ollama_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var calls = 0;
        using var reader = new StreamReader(body, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var chunk = Parse(line);
            if (chunk.Error is { } error)
            {
                throw new LlmException(OllamaProvider.ProviderId, null, $"ollama failed mid-answer: {error}");
            }
            if (chunk.Message?.Content is { Length: > 0 } text)
            {
                yield return new TextDelta(text);
            }
            foreach (var call in chunk.Message?.ToolCalls ?? [])
            {
                var id = string.IsNullOrEmpty(call.Id) ? $"{batch}_{calls}" : call.Id;
                calls++;
                yield return new ToolCallReady(new ToolCall(id, call.Function.Name, Arguments(call.Function)));
            }
            if (chunk.Done)
            {
                yield return new UsageReport(chunk.PromptEvalCount ?? 0, chunk.EvalCount ?? 0);
                yield return new StreamFinished(chunk.DoneReason ?? "stop");
                yield break;
            }
        }
        throw new LlmException(OllamaProvider.ProviderId, null, "ollama ended the stream before done; the answer is incomplete.", retryable: true);
    }

    /// <summary>Arguments are a JSON object; some models send it as a JSON string, which is unwrapped.</summary>
    private static JsonElement Arguments(OllamaFunctionCall call)
    {
        if (call.Arguments is { ValueKind: JsonValueKind.Object } given)
        {
            return given;
        }
        if (call.Arguments is { ValueKind: JsonValueKind.String } text)
        {
            try
            {
                using var document = JsonDocument.Parse(text.GetString()!);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return document.RootElement.Clone();
                }
            }
            catch (JsonException)
            {
                // not JSON: fall through to an empty object; the tool reports the missing arguments
            }
        }
        return EmptyObject;
    }

    private static OllamaChunk Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, OllamaJsonContext.Default.OllamaChunk)
                   ?? throw new LlmException(OllamaProvider.ProviderId, null, "ollama sent an empty line.");
        }
        catch (JsonException ex)
        {
            throw new LlmException(OllamaProvider.ProviderId, null, $"ollama sent a line that is not valid JSON: {ex.Message}", inner: ex);
        }
    }
}
