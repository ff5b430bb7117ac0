using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Providers.Ollama;

/// <summary>The body of POST /api/chat.</summary>
internal sealed record OllamaRequest(
    string Model,
    List<OllamaMessage> Messages,
    List<OllamaTool>? Tools,
    bool Stream,
    OllamaOptions Options);

/// <summary>A message: system, user, assistant (with tool_calls) or tool (with tool_name).</summary>
internal sealed record OllamaMessage(string Role, string Content, List<OllamaToolCall>? ToolCalls = null, string? ToolName = null);

internal sealed record OllamaToolCall(string? Id, OllamaFunctionCall Function);

internal sealed record OllamaFunctionCall(string Name, JsonElement? Arguments);

/// <summary>Tools use OpenAI's function format.</summary>
internal sealed record OllamaTool(string Type, OllamaFunction Function);

internal sealed record OllamaFunction(string Name, string Description, JsonElement Parameters);

internal sealed record OllamaOptions(int NumPredict);

/// <summary>One NDJSON line of the /api/chat stream; the last has done=true and the token counts.</summary>
internal sealed record OllamaChunk(
    OllamaReplyMessage? Message,
    bool Done,
    string? DoneReason,
    long? PromptEvalCount,
    long? EvalCount,
    string? Error);

internal sealed record OllamaReplyMessage(string? Role, string? Content, List<OllamaToolCall>? ToolCalls);

/// <summary>GET /api/tags.</summary>
internal sealed record OllamaTags(List<OllamaTagModel>? Models);

internal sealed record OllamaTagModel(string Name, string? Model);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OllamaRequest))]
[JsonSerializable(typeof(OllamaChunk))]
[JsonSerializable(typeof(OllamaTags))]
internal sealed partial class OllamaJsonContext : JsonSerializerContext;
