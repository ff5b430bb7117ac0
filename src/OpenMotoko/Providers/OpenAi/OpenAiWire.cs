using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Providers.OpenAi;

// The Chat Completions wire format (snake_case), as sent to and read from OpenAI-compatible servers.

internal sealed record OpenAiChatRequest(
    string Model,
    IReadOnlyList<OpenAiMessage> Messages,
    IReadOnlyList<OpenAiTool>? Tools,
    bool Stream,
    OpenAiStreamOptions? StreamOptions,
    int? MaxTokens = null,
    int? MaxCompletionTokens = null);

internal sealed record OpenAiStreamOptions(bool IncludeUsage);

/// <summary>One history message. <see cref="Content"/> is null for an assistant turn that only calls tools.</summary>
internal sealed record OpenAiMessage(
    string Role,
    string? Content,
    IReadOnlyList<OpenAiToolCall>? ToolCalls = null,
    string? ToolCallId = null);

internal sealed record OpenAiToolCall(string Id, string Type, OpenAiFunctionCall Function);

/// <summary>A function call; <see cref="Arguments"/> is a JSON object encoded as a string.</summary>
internal sealed record OpenAiFunctionCall(string Name, string Arguments);

internal sealed record OpenAiTool(string Type, OpenAiFunction Function);

internal sealed record OpenAiFunction(string Name, string? Description, JsonElement? Parameters);

/// <summary>One streamed chunk: choices with deltas, or (with include_usage) an empty choices list and usage.</summary>
internal sealed record OpenAiChunk(
    string? Id,
    IReadOnlyList<OpenAiChunkChoice>? Choices,
    OpenAiUsage? Usage,
    OpenAiError? Error);

internal sealed record OpenAiChunkChoice(int Index, OpenAiDelta? Delta, string? FinishReason);

internal sealed record OpenAiDelta(string? Role, string? Content, IReadOnlyList<OpenAiToolCallDelta>? ToolCalls);

/// <summary>A piece of a tool call: id and name come in the first piece of an index, arguments in pieces.</summary>
internal sealed record OpenAiToolCallDelta(int Index, string? Id, string? Type, OpenAiFunctionDelta? Function);

internal sealed record OpenAiFunctionDelta(string? Name, string? Arguments);

internal sealed record OpenAiUsage(long PromptTokens, long CompletionTokens, long? TotalTokens = null);

/// <summary>OpenAI's error object: {"error": {"message", "type", "code"}}. <see cref="Code"/> may be a string, a number or null.</summary>
internal sealed record OpenAiError(string? Message, string? Type, JsonElement? Code);

/// <summary>GET /models: {"object": "list", "data": [{"id", "owned_by"}]}.</summary>
internal sealed record OpenAiModelList(IReadOnlyList<OpenAiModelEntry>? Data);

internal sealed record OpenAiModelEntry(string Id, string? OwnedBy);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(OpenAiChatRequest))]
[JsonSerializable(typeof(OpenAiChunk))]
[JsonSerializable(typeof(OpenAiModelList))]
[JsonSerializable(typeof(string))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext;
