using System.Text;
using System.Text.Json;
using OpenMotoko.Providers;
using OpenMotoko.Providers.OpenAi;

namespace OpenMotoko.OpenAiCompat;

/// <summary>A /v1/chat/completions request mapped to our provider-neutral call.</summary>
internal sealed record CompatRequest(string Model, ChatRequest Chat, bool Stream, bool IncludeUsage);

/// <summary>Reads an OpenAI chat request body (system/user/assistant with tool_calls/tool messages, tools).</summary>
internal static class CompatRequestReader
{
    /// <summary>The mapped request, or an error message for a 400 invalid_request_error.</summary>
    public static (CompatRequest? Request, string? Error) Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, "The body must be a JSON object.");
        }
        if (!body.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(model.GetString()))
        {
            return (null, "'model' is required: a model id such as openai/gpt-4o-mini.");
        }
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            return (null, "'messages' must be a non-empty array.");
        }
        var system = new StringBuilder();
        var history = new List<ChatMessage>();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                return (null, $"messages[{index}] must be an object {{role, content}}.");
            }
            var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            var text = Text(message);
            switch (role)
            {
                case "system" or "developer":
                    system.Append(system.Length > 0 ? "\n\n" : "").Append(text);
                    break;
                case "user":
                    history.Add(new ChatMessage(ChatRole.User, text ?? ""));
                    break;
                case "assistant":
                    var (calls, callProblem) = ToolCalls(message);
                    if (callProblem is not null)
                    {
                        return (null, $"messages[{index}].{callProblem}");
                    }
                    history.Add(new ChatMessage(ChatRole.Assistant, text, calls));
                    break;
                case "tool":
                    if (!message.TryGetProperty("tool_call_id", out var id) || id.ValueKind != JsonValueKind.String)
                    {
                        return (null, $"messages[{index}]: a tool message needs 'tool_call_id'.");
                    }
                    var result = new ToolResult(id.GetString()!, "", text ?? "", false);
                    if (history.Count > 0 && history[^1].Role == ChatRole.Tool)
                    {
                        history[^1] = history[^1] with { ToolResults = [.. history[^1].ToolResults!, result] };
                    }
                    else
                    {
                        history.Add(new ChatMessage(ChatRole.Tool, null, ToolResults: [result]));
                    }
                    break;
                default:
                    return (null, $"messages[{index}].role must be system, developer, user, assistant or tool.");
            }
            index++;
        }
        var maxTokens = Int(body, "max_completion_tokens") ?? Int(body, "max_tokens") ?? 4096;
        var stream = body.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = body.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object &&
                           options.TryGetProperty("include_usage", out var usage) && usage.ValueKind == JsonValueKind.True;
        var chat = new ChatRequest(model.GetString()!.Trim(), system.Length > 0 ? system.ToString() : null, history, Tools(body), maxTokens);
        return (new CompatRequest(chat.Model, chat, stream, includeUsage), null);
    }

    private static string? Text(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return null;
        }
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString();
        }
        if (content.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            {
                text.Append(t.GetString());
            }
        }
        return text.ToString();
    }

    /// <summary>The assistant message's tool calls (null when none), or what is wrong with them.</summary>
    private static (List<ToolCall>? Calls, string? Problem) ToolCalls(JsonElement message)
    {
        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array || calls.GetArrayLength() == 0)
        {
            return (null, null);
        }
        var result = new List<ToolCall>();
        var index = 0;
        foreach (var call in calls.EnumerateArray())
        {
            if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object ||
                !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                return (null, $"tool_calls[{index}] must be an object {{id, type, function: {{name, arguments}}}} with a string name.");
            }
            var arguments = function.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "{}";
            var id = call.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : "";
            result.Add(new ToolCall(id, name.GetString()!, OpenAiMapping.ParseArguments(arguments)));
            index++;
        }
        return (result, null);
    }

    private static List<ToolDefinition> Tools(JsonElement body)
    {
        var tools = new List<ToolDefinition>();
        if (!body.TryGetProperty("tools", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return tools;
        }
        foreach (var tool in list.EnumerateArray())
        {
            if (tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object &&
                function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                var description = function.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "";
                var parameters = function.TryGetProperty("parameters", out var p) ? p.Clone() : default;
                tools.Add(new ToolDefinition(name.GetString()!, description, parameters));
            }
        }
        return tools;
    }

    private static int? Int(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n > 0 ? n : null;
}
