using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenMotoko.Providers.Google;

/// <summary>Turns a provider-neutral <see cref="ChatRequest"/> into a generateContent body.</summary>
internal static class GeminiHistory
{
    private const string ForeignCallSignature = "skip_thought_signature_validator";
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static GeminiRequest ToRequest(ChatRequest request)
    {
        var contents = new List<GeminiContent>();
        IReadOnlyList<ToolCall> lastCalls = [];
        foreach (var message in request.Messages)
        {
            List<GeminiPart> parts;
            string role;
            switch (message.Role)
            {
                case ChatRole.Assistant:
                    role = "model";
                    parts = TextParts(message.Text);
                    lastCalls = message.ToolCalls ?? [];
                    parts.AddRange(lastCalls.Select(CallPart));
                    MarkForeignCalls(parts);
                    break;
                case ChatRole.Tool:
                    role = "user";
                    parts = [.. ResultsInCallOrder(message.ToolResults ?? [], lastCalls).Select(ResultPart)];
                    parts.AddRange(TextParts(message.Text));
                    break;
                default:
                    role = "user";
                    parts = TextParts(message.Text);
                    break;
            }
            if (parts.Count == 0)
            {
                continue;
            }
            if (contents.Count > 0 && contents[^1].Role == role)
            {
                contents[^1].Parts.AddRange(parts);
            }
            else
            {
                contents.Add(new GeminiContent(role, parts));
            }
        }

        var declarations = request.Tools.Select(t => new GeminiFunctionDeclaration(t.Name, t.Description, GeminiSchema.ToParameters(t.InputSchema))).ToList();
        return new GeminiRequest(
            contents,
            string.IsNullOrWhiteSpace(request.SystemPrompt) ? null : new GeminiContent(null, [new GeminiPart(Text: request.SystemPrompt)]),
            declarations.Count == 0 ? null : [new GeminiTool(declarations)],
            new GeminiGenerationConfig(request.MaxOutputTokens));
    }

    private static List<GeminiPart> TextParts(string? text) => string.IsNullOrEmpty(text) ? [] : [new GeminiPart(Text: text)];

    private static GeminiPart CallPart(ToolCall call) => new(
        FunctionCall: new GeminiFunctionCall(call.Name, call.Arguments.ValueKind == JsonValueKind.Object ? call.Arguments : EmptyObject),
        ThoughtSignature: GeminiToolIds.SignatureOf(call.Id));

    /// <summary>
    /// Gemini 3 refuses a replayed turn whose function calls carry no thought signature (calls made by
    /// another provider, e.g. after a fallback). Google documents this value for such calls; it goes on
    /// the first call, where Gemini itself puts the signature.
    /// </summary>
    private static void MarkForeignCalls(List<GeminiPart> parts)
    {
        var first = parts.FindIndex(p => p.FunctionCall is not null);
        if (first >= 0 && !parts.Exists(p => p.ThoughtSignature is not null))
        {
            parts[first] = parts[first] with { ThoughtSignature = ForeignCallSignature };
        }
    }

    /// <summary>Gemini matches responses to calls by name and position: answer in the order the calls were made.</summary>
    private static IEnumerable<ToolResult> ResultsInCallOrder(IReadOnlyList<ToolResult> results, IReadOnlyList<ToolCall> calls) =>
        results.OrderBy(r =>
        {
            for (var i = 0; i < calls.Count; i++)
            {
                if (calls[i].Id == r.ToolCallId)
                {
                    return i;
                }
            }
            return int.MaxValue;
        });

    private static GeminiPart ResultPart(ToolResult result) =>
        new(FunctionResponse: new GeminiFunctionResponse(result.Name,
            new JsonObject { [result.IsError ? "error" : "output"] = result.Output }));
}
