using System.Text.Json.Serialization;
using OpenMotoko.Providers.OpenAi;

namespace OpenMotoko.OpenAiCompat;

// OpenAI's response shapes for /v1, as the official SDKs read them (snake_case).

internal sealed record CompatCompletion(string Id, string Object, long Created, string Model, IReadOnlyList<CompatChoice> Choices, CompatUsage? Usage);

internal sealed record CompatChoice(int Index, CompatMessage? Message, CompatMessage? Delta, string? FinishReason);

internal sealed record CompatMessage(string? Role, string? Content, IReadOnlyList<CompatToolCall>? ToolCalls);

/// <summary>A tool call; <see cref="Index"/> is set only in stream deltas.</summary>
internal sealed record CompatToolCall(int? Index, string Id, string Type, OpenAiFunctionCall Function);

internal sealed record CompatUsage(long PromptTokens, long CompletionTokens, long TotalTokens);

internal sealed record CompatError(CompatErrorBody Error);

/// <summary>OpenAI always sends <c>code</c>, null when there is none.</summary>
internal sealed record CompatErrorBody(string Message, string Type, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);

internal sealed record CompatModelList(string Object, IReadOnlyList<CompatModel> Data);

internal sealed record CompatModel(string Id, string Object, long Created, string OwnedBy);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CompatCompletion))]
[JsonSerializable(typeof(CompatError))]
[JsonSerializable(typeof(CompatModelList))]
internal sealed partial class CompatJsonContext : JsonSerializerContext;
