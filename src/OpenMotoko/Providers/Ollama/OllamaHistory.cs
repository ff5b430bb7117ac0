using System.Text.Json;

namespace OpenMotoko.Providers.Ollama;

/// <summary>Turns a provider-neutral <see cref="ChatRequest"/> into an /api/chat body.</summary>
internal static class OllamaHistory
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static OllamaRequest ToRequest(ChatRequest request)
    {
        var messages = new List<OllamaMessage>();
        if (!string.IsNullOrWhiteSpace(request.SystemPrompt))
        {
            messages.Add(new OllamaMessage("system", request.SystemPrompt));
        }
        IReadOnlyList<ToolCall> lastCalls = [];
        foreach (var message in request.Messages)
        {
            switch (message.Role)
            {
                case ChatRole.Assistant:
                    lastCalls = message.ToolCalls ?? [];
                    messages.Add(new OllamaMessage("assistant", message.Text ?? "", lastCalls.Count == 0 ? null
                        : [.. lastCalls.Select(c => new OllamaToolCall(null, new OllamaFunctionCall(c.Name, c.Arguments.ValueKind == JsonValueKind.Object ? c.Arguments : EmptyObject)))]));
                    break;
                case ChatRole.Tool:
                    // Ollama pairs results with calls by name and position: answer in the order the calls were made.
                    foreach (var result in (message.ToolResults ?? []).OrderBy(r => Position(lastCalls, r.ToolCallId)))
                    {
                        messages.Add(new OllamaMessage("tool", result.IsError ? $"Error: {result.Output}" : result.Output, ToolName: result.Name));
                    }
                    break;
                default:
                    messages.Add(new OllamaMessage("user", message.Text ?? ""));
                    break;
            }
        }
        var tools = request.Tools.Count == 0 ? null
            : request.Tools.Select(t => new OllamaTool("function", new OllamaFunction(t.Name, t.Description, t.InputSchema))).ToList();
        return new OllamaRequest(request.Model, messages, tools, Stream: true, new OllamaOptions(request.MaxOutputTokens));
    }

    private static int Position(IReadOnlyList<ToolCall> calls, string id)
    {
        for (var i = 0; i < calls.Count; i++)
        {
            if (calls[i].Id == id)
            {
                return i;
            }
        }
        return int.MaxValue;
    }
}
