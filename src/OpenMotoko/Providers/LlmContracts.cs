using System.Text.Json;

namespace OpenMotoko.Providers;

/// <summary>Who said a message in the history sent to a provider. The system prompt travels apart.</summary>
internal enum ChatRole { User, Assistant, Tool }

/// <summary>A call the model asked for. <see cref="Arguments"/> is the JSON object the model produced.</summary>
internal sealed record ToolCall(string Id, string Name, JsonElement Arguments);

/// <summary>The answer to one <see cref="ToolCall"/>, fed back to the model.</summary>
internal sealed record ToolResult(string ToolCallId, string Name, string Output, bool IsError);

/// <summary>
/// One turn of history in provider-neutral form. User: <see cref="Text"/>. Assistant: text and/or
/// <see cref="ToolCalls"/>. Tool: the <see cref="ToolResults"/> answering the previous assistant turn's calls.
/// </summary>
internal sealed record ChatMessage(ChatRole Role, string? Text, IReadOnlyList<ToolCall>? ToolCalls = null, IReadOnlyList<ToolResult>? ToolResults = null);

/// <summary>A tool offered to the model: its name, what it does, and a JSON Schema of its input object.</summary>
internal sealed record ToolDefinition(string Name, string Description, JsonElement InputSchema);

/// <summary>One call to a model. <see cref="Model"/> is the provider's own model id (no alias, no provider prefix).</summary>
internal sealed record ChatRequest(
    string Model,
    string? SystemPrompt,
    IReadOnlyList<ChatMessage> Messages,
    IReadOnlyList<ToolDefinition> Tools,
    int MaxOutputTokens = 4096);

/// <summary>What a provider streams back, in order: deltas and completed tool calls, then usage, then the finish.</summary>
internal abstract record ChatStreamEvent;

/// <summary>Text as the provider produced it; forwarded to the client at once.</summary>
internal sealed record TextDelta(string Text) : ChatStreamEvent;

/// <summary>A tool call whose arguments are complete (providers that stream arguments in pieces assemble them first).</summary>
internal sealed record ToolCallReady(ToolCall Call) : ChatStreamEvent;

/// <summary>The call's token counts; may come more than once, the last one wins.</summary>
internal sealed record UsageReport(long InputTokens, long OutputTokens) : ChatStreamEvent;

/// <summary>The end of the stream, with the provider's stop reason (end_turn, tool_use, stop, length, ...).</summary>
internal sealed record StreamFinished(string StopReason) : ChatStreamEvent;

/// <summary>A model a provider offers, with its prices in USD per million tokens.</summary>
internal sealed record ModelInfo(string Id, string Name, int ContextWindow, bool SupportsTools, decimal InputPricePerMTok, decimal OutputPricePerMTok);

/// <summary>One LLM provider speaking its own wire format over HttpClient.</summary>
internal interface ILlmProvider
{
    /// <summary>anthropic, openai, google, ollama or generic: the prefix of "provider/model".</summary>
    string Id { get; }

    string Name { get; }

    /// <summary>True when it has what it needs to be called (a key, or a base URL for local ones).</summary>
    bool IsConfigured { get; }

    /// <summary>What to set when it is not configured, e.g. "Set ANTHROPIC_API_KEY or the anthropicApiKey setting."</summary>
    string ConfigurationHint { get; }

    /// <summary>Streams one model call. Throws <see cref="LlmException"/> for provider errors, with the provider's own message.</summary>
    IAsyncEnumerable<ChatStreamEvent> StreamAsync(ChatRequest request, CancellationToken cancellationToken);

    /// <summary>The models it offers (a static list, or asked of the provider where it has a list endpoint).</summary>
    Task<IReadOnlyList<ModelInfo>> ListModelsAsync(CancellationToken cancellationToken);
}

/// <summary>A provider refused or failed a call. The message is the provider's own, with secrets removed.</summary>
internal sealed class LlmException(string provider, int? statusCode, string message, bool retryable = false, Exception? inner = null)
    : Exception(message, inner)
{
    public string Provider { get; } = provider;
    public int? StatusCode { get; } = statusCode;

    /// <summary>True when another attempt (or the next provider in the fallback chain) may succeed.</summary>
    public bool Retryable { get; } = retryable;
}

/// <summary>One LLM call about to be made: where it comes from, which model serves it, and what is sent.</summary>
internal sealed record LlmCall(string ConversationId, string Provider, string Model, ChatRequest? Request = null)
{
    public int MaxOutputTokens => Request?.MaxOutputTokens ?? 0;

    /// <summary>About four characters a token: enough to reserve a budget estimate before the call. Allocates nothing.</summary>
    public long EstimateInputTokens()
    {
        if (Request is not { } request)
        {
            return 0;
        }
        long chars = request.SystemPrompt?.Length ?? 0;
        foreach (var message in request.Messages)
        {
            chars += message.Text?.Length ?? 0;
            foreach (var call in message.ToolCalls ?? [])
            {
                chars += call.Name.Length + RawLength(call.Arguments);
            }
            foreach (var result in message.ToolResults ?? [])
            {
                chars += result.Output.Length;
            }
        }
        foreach (var tool in request.Tools)
        {
            chars += tool.Name.Length + tool.Description.Length + RawLength(tool.InputSchema);
        }
        return chars / 4;
    }

    private static int RawLength(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? 0 : System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element).Length;
}

/// <summary>Asked before every LLM call (the budget guard).</summary>
internal interface ILlmCallGate
{
    /// <summary>Throws <see cref="Hosting.ApiException"/> to refuse the call; may return a hold (a budget
    /// reservation) that the caller disposes when the call has ended and its usage was published.</summary>
    ValueTask<IDisposable?> BeforeCallAsync(LlmCall call, CancellationToken cancellationToken);
}
