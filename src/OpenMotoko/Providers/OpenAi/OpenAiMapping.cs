using System.Text.Json;

namespace OpenMotoko.Providers.OpenAi;

/// <summary>Turns the provider-neutral history into Chat Completions messages and tools, and back for tool calls.</summary>
internal static class OpenAiMapping
{
    public static OpenAiChatRequest ToWire(ChatRequest request, bool useMaxCompletionTokens)
    {
        var messages = new List<OpenAiMessage>(request.Messages.Count + 1);
        if (!string.IsNullOrEmpty(request.SystemPrompt))
        {
            messages.Add(new OpenAiMessage("system", request.SystemPrompt));
        }
        foreach (var message in request.Messages)
        {
            switch (message.Role)
            {
                case ChatRole.User:
                    messages.Add(new OpenAiMessage("user", message.Text ?? ""));
                    break;
                case ChatRole.Assistant:
                    var calls = message.ToolCalls is { Count: > 0 } toolCalls
                        ? toolCalls.Select(c => new OpenAiToolCall(c.Id, "function", new OpenAiFunctionCall(c.Name, ArgumentsText(c.Arguments)))).ToList()
                        : null;
                    messages.Add(new OpenAiMessage("assistant", string.IsNullOrEmpty(message.Text) && calls is not null ? null : message.Text ?? "", calls));
                    break;
                case ChatRole.Tool:
                    foreach (var result in message.ToolResults ?? [])
                    {
                        var content = result.IsError && !result.Output.StartsWith("Error", StringComparison.OrdinalIgnoreCase)
                            ? "Error: " + result.Output : result.Output;
                        messages.Add(new OpenAiMessage("tool", content, ToolCallId: result.ToolCallId));
                    }
                    break;
            }
        }
        var tools = request.Tools.Count == 0 ? null
            : request.Tools.Select(t => new OpenAiTool("function", new OpenAiFunction(t.Name, t.Description, Schema(t.InputSchema)))).ToList();
        return new OpenAiChatRequest(request.Model, messages, tools, Stream: true, new OpenAiStreamOptions(IncludeUsage: true),
            MaxTokens: useMaxCompletionTokens ? null : request.MaxOutputTokens,
            MaxCompletionTokens: useMaxCompletionTokens ? request.MaxOutputTokens : null);
    }

    /// <summary>The arguments as OpenAI carries them: a JSON object encoded as a string.</summary>
    public static string ArgumentsText(JsonElement arguments) => arguments.ValueKind switch
    {
        JsonValueKind.String => arguments.GetString()!,
        JsonValueKind.Undefined or JsonValueKind.Null => "{}",
        _ => arguments.GetRawText(),
    };

    /// <summary>
    /// Parses the arguments a model streamed. Text that is not JSON stays a JSON string, so the tool
    /// can report the problem and the history replays exactly what the model sent.
    /// </summary>
    public static JsonElement ParseArguments(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return EmptyObject;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text, OpenAiJsonContext.Default.String);
        }
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private static JsonElement? Schema(JsonElement schema) =>
        schema.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : schema;
}
