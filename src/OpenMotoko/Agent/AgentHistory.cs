using OpenMotoko.Conversations;
using OpenMotoko.Providers;

namespace OpenMotoko.Agent;

/// <summary>
/// Turns stored messages into the history sent to the model, and trims it to the model's context
/// window: oldest turns first, a tool call never apart from its results, the newest user message kept.
/// </summary>
internal static class AgentHistory
{
    /// <summary>Tokens are estimated as characters / 4, plus a little per message for the wire format.</summary>
    public const int CharsPerToken = 4;
    private const int PerMessageTokens = 4;

    /// <summary>
    /// Failed turns are left out (they were never answered); an assistant turn's tool calls go out
    /// only with the tool turn that answered them, and results only for calls that go out.
    /// </summary>
    public static List<ChatMessage> Replay(IReadOnlyList<MessageView> messages)
    {
        var history = new List<ChatMessage>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message.Failed)
            {
                continue;
            }
            switch (message.Role)
            {
                case MessageRoles.User:
                    history.Add(new ChatMessage(ChatRole.User, message.Content));
                    break;
                case MessageRoles.Assistant when message.ToolCalls is { Count: > 0 } calls:
                    var next = i + 1 < messages.Count ? messages[i + 1] : null;
                    var results = next is { Role: MessageRoles.Tool, Failed: false, ToolResults: { } stored } ? stored : [];
                    var answered = calls.Where(c => results.Any(r => r.ToolCallId == c.Id)).ToList();
                    if (answered.Count > 0)
                    {
                        history.Add(new ChatMessage(ChatRole.Assistant, NullIfEmpty(message.Content),
                            [.. answered.Select(c => new ToolCall(c.Id, c.Name, c.Arguments))]));
                        history.Add(new ChatMessage(ChatRole.Tool, null, null,
                            [.. results.Where(r => answered.Any(c => c.Id == r.ToolCallId)).Select(r => new ToolResult(r.ToolCallId, r.Name, r.Output, r.IsError))]));
                        i++;
                    }
                    else if (message.Content.Length > 0)
                    {
                        history.Add(new ChatMessage(ChatRole.Assistant, message.Content));
                    }
                    break;
                case MessageRoles.Assistant when message.Content.Length > 0:
                    history.Add(new ChatMessage(ChatRole.Assistant, message.Content));
                    break;
            }
        }
        return history;
    }

    /// <summary>
    /// Drops whole turns until the estimate fits <paramref name="budgetTokens"/> (less what the system
    /// prompt and tools take): first those before the newest user message, then those after it
    /// (oldest first), never the newest user message or the last turn.
    /// </summary>
    public static List<ChatMessage> Trim(List<ChatMessage> history, long budgetTokens, long fixedTokens)
    {
        var groups = Group(history);
        var total = fixedTokens + groups.Sum(g => g.Tokens);
        if (total <= budgetTokens)
        {
            return history;
        }
        var anchor = groups.FindLastIndex(g => history[g.Start].Role == ChatRole.User);
        var order = Enumerable.Range(0, Math.Max(anchor, 0))
            .Concat(Enumerable.Range(anchor + 1, Math.Max(groups.Count - anchor - 2, 0)));
        var dropped = new HashSet<int>();
        foreach (var index in order)
        {
            if (total <= budgetTokens)
            {
                break;
            }
            dropped.Add(index);
            total -= groups[index].Tokens;
        }
        var kept = new List<ChatMessage>(history.Count);
        for (var g = 0; g < groups.Count; g++)
        {
            if (!dropped.Contains(g))
            {
                kept.AddRange(history.GetRange(groups[g].Start, groups[g].Count));
            }
        }
        return kept;
    }

    public static long Estimate(ChatMessage message)
    {
        long chars = message.Text?.Length ?? 0;
        foreach (var call in message.ToolCalls ?? [])
        {
            chars += call.Id.Length + call.Name.Length + RawLength(call.Arguments);
        }
        foreach (var result in message.ToolResults ?? [])
        {
            chars += result.ToolCallId.Length + result.Output.Length;
        }
        return chars / CharsPerToken + PerMessageTokens;
    }

    public static long Estimate(string? text) => (text?.Length ?? 0) / CharsPerToken;

    public static long Estimate(IReadOnlyList<ToolDefinition> tools) =>
        tools.Sum(t => (long)(t.Name.Length + t.Description.Length + RawLength(t.InputSchema))) / CharsPerToken;

    private static List<(int Start, int Count, long Tokens)> Group(List<ChatMessage> history)
    {
        var groups = new List<(int, int, long)>();
        for (var i = 0; i < history.Count; i++)
        {
            var count = history[i] is { Role: ChatRole.Assistant, ToolCalls.Count: > 0 } && i + 1 < history.Count && history[i + 1].Role == ChatRole.Tool ? 2 : 1;
            groups.Add((i, count, Enumerable.Range(i, count).Sum(k => Estimate(history[k]))));
            i += count - 1;
        }
        return groups;
    }

    private static int RawLength(System.Text.Json.JsonElement element) =>
        element.ValueKind == System.Text.Json.JsonValueKind.Undefined ? 0 : element.GetRawText().Length;

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
