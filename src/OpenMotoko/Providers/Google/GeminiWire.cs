using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OpenMotoko.Providers.Google;

/// <summary>The body of POST /v1beta/models/{model}:streamGenerateContent.</summary>
internal sealed record GeminiRequest(
    List<GeminiContent> Contents,
    GeminiContent? SystemInstruction,
    List<GeminiTool>? Tools,
    GeminiGenerationConfig GenerationConfig);

/// <summary>One turn: role "user" or "model" (null for the system instruction).</summary>
internal sealed record GeminiContent(string? Role, List<GeminiPart> Parts);

/// <summary>A part holds one of text, functionCall or functionResponse; thoughtSignature rides beside a functionCall.</summary>
internal sealed record GeminiPart(
    string? Text = null,
    GeminiFunctionCall? FunctionCall = null,
    GeminiFunctionResponse? FunctionResponse = null,
    string? ThoughtSignature = null,
    bool? Thought = null);

internal sealed record GeminiFunctionCall(string Name, JsonElement? Args);

internal sealed record GeminiFunctionResponse(string Name, JsonObject Response);

internal sealed record GeminiTool(List<GeminiFunctionDeclaration> FunctionDeclarations);

internal sealed record GeminiFunctionDeclaration(string Name, string Description, JsonObject? Parameters);

internal sealed record GeminiGenerationConfig(int MaxOutputTokens);

/// <summary>One streamed chunk (a GenerateContentResponse), or an error object.</summary>
internal sealed record GeminiChunk(
    List<GeminiCandidate>? Candidates,
    GeminiUsage? UsageMetadata,
    GeminiPromptFeedback? PromptFeedback,
    GeminiError? Error);

internal sealed record GeminiCandidate(GeminiContent? Content, string? FinishReason);

internal sealed record GeminiUsage(long? PromptTokenCount, long? CandidatesTokenCount, long? ThoughtsTokenCount);

internal sealed record GeminiPromptFeedback(string? BlockReason);

internal sealed record GeminiError(int? Code, string? Message, string? Status);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GeminiRequest))]
[JsonSerializable(typeof(GeminiChunk))]
internal sealed partial class GeminiJsonContext : JsonSerializerContext;
