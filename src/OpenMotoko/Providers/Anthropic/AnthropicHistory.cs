using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OpenMotoko.Providers.Anthropic;

/// <summary>Turns a provider-neutral <see cref="ChatRequest"/> into the Messages API body.</summary>
internal static class AnthropicHistory
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static AnthropicRequest ToRequest(ChatRequest request)
    {
        var messages = new List<AnthropicMessage>();
        foreach (var message in request.Messages)
        {
            var (role, blocks) = message.Role switch
            {
                ChatRole.User => ("user", TextBlocks(message.Text)),
                ChatRole.Assistant => ("assistant", AssistantBlocks(message)),
                _ => ("user", ResultBlocks(message)),
            };
            if (blocks.Count == 0)
            {
                continue;
            }
            // Anthropic requires alternating roles: tool results followed by a user message become one user turn.
            if (messages.Count > 0 && messages[^1].Role == role)
            {
                messages[^1].Content.AddRange(blocks);
            }
            else
            {
                messages.Add(new AnthropicMessage(role, blocks));
            }
        }

        var tools = request.Tools.Count == 0 ? null
            : request.Tools.Select(t => new AnthropicTool(t.Name, t.Description, t.InputSchema)).ToList();
        return new AnthropicRequest(request.Model, request.MaxOutputTokens,
            string.IsNullOrWhiteSpace(request.SystemPrompt) ? null : request.SystemPrompt, messages, tools, Stream: true);
    }

    /// <summary>Anthropic accepts tool ids of [A-Za-z0-9_-] only; ids minted by other providers are mapped stably.</summary>
    public static string ToolId(string id)
    {
        if (id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            return id;
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(id));
        return "toolu_" + Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }

    private static List<AnthropicContent> TextBlocks(string? text) =>
        string.IsNullOrEmpty(text) ? [] : [new AnthropicContent("text", Text: text)];

    private static List<AnthropicContent> AssistantBlocks(ChatMessage message)
    {
        var blocks = TextBlocks(message.Text);
        foreach (var call in message.ToolCalls ?? [])
        {
            var input = call.Arguments.ValueKind == JsonValueKind.Object ? call.Arguments : EmptyObject;
            blocks.Add(new AnthropicContent("tool_use", Id: ToolId(call.Id), Name: call.Name, Input: input));
        }
        return blocks;
    }

    private static List<AnthropicContent> ResultBlocks(ChatMessage message)
    {
        var blocks = new List<AnthropicContent>();
        foreach (var result in message.ToolResults ?? [])
        {
            blocks.Add(new AnthropicContent("tool_result", ToolUseId: ToolId(result.ToolCallId), Content: result.Output,
                IsError: result.IsError ? true : null));
        }
        blocks.AddRange(TextBlocks(message.Text));
        return blocks;
    }
}
