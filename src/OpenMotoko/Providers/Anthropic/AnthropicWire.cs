using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Providers.Anthropic;

/// <summary>The body of POST /v1/messages.</summary>
internal sealed record AnthropicRequest(
    string Model,
    int MaxTokens,
    string? System,
    IReadOnlyList<AnthropicMessage> Messages,
    IReadOnlyList<AnthropicTool>? Tools,
    bool Stream);

/// <summary>One turn; Anthropic requires user and assistant turns to alternate.</summary>
internal sealed record AnthropicMessage(string Role, List<AnthropicContent> Content);

/// <summary>A content block: text, tool_use (assistant) or tool_result (user).</summary>
internal sealed record AnthropicContent(
    string Type,
    string? Text = null,
    string? Id = null,
    string? Name = null,
    JsonElement? Input = null,
    string? ToolUseId = null,
    string? Content = null,
    bool? IsError = null);

internal sealed record AnthropicTool(string Name, string Description, JsonElement InputSchema);

/// <summary>Any streamed event; which fields are set depends on <see cref="Type"/>.</summary>
internal sealed record AnthropicEvent(
    string Type,
    AnthropicStartedMessage? Message,
    int? Index,
    AnthropicBlock? ContentBlock,
    AnthropicDelta? Delta,
    AnthropicUsage? Usage,
    AnthropicErrorBody? Error);

internal sealed record AnthropicStartedMessage(string? Id, string? Model, AnthropicUsage? Usage);

internal sealed record AnthropicBlock(string Type, string? Id, string? Name, string? Text);

internal sealed record AnthropicDelta(string? Type, string? Text, string? PartialJson, string? StopReason);

internal sealed record AnthropicUsage(long? InputTokens, long? OutputTokens, long? CacheCreationInputTokens, long? CacheReadInputTokens);

internal sealed record AnthropicErrorBody(string? Type, string? Message);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AnthropicRequest))]
[JsonSerializable(typeof(AnthropicEvent))]
internal sealed partial class AnthropicJsonContext : JsonSerializerContext;
