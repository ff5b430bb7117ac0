using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Conversations;

/// <summary>A conversation as the API shows it (docs/api.md).</summary>
internal sealed record Conversation(string Id, string? Title, string? Model, string? SystemPrompt, string? ChannelId, long CreatedAt, long UpdatedAt);

/// <summary>A conversation with its messages, oldest first.</summary>
internal sealed record ConversationDetail(
    string Id, string? Title, string? Model, string? SystemPrompt, string? ChannelId, long CreatedAt, long UpdatedAt,
    IReadOnlyList<MessageView> Messages)
{
    public static ConversationDetail Of(Conversation c, IReadOnlyList<MessageView> messages) =>
        new(c.Id, c.Title, c.Model, c.SystemPrompt, c.ChannelId, c.CreatedAt, c.UpdatedAt, messages);
}

/// <summary>One page of conversations, newest first.</summary>
internal sealed record ConversationPage(IReadOnlyList<Conversation> Items, long Total);

/// <summary>A tool call the model made, as stored and shown.</summary>
internal sealed record ToolCallView(string Id, string Name, JsonElement Arguments);

/// <summary>A tool's answer to one call, as stored and shown.</summary>
internal sealed record ToolResultView(string ToolCallId, string Name, string Output, bool IsError);

/// <summary>A message as the API shows it. A failed turn carries <see cref="Error"/> and <see cref="ErrorCode"/>.</summary>
internal sealed record MessageView(
    string Id,
    string ConversationId,
    string Role,
    string Content,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ToolCallView>? ToolCalls,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ToolResultView>? ToolResults,
    string? Model,
    string? Provider,
    long InputTokens,
    long OutputTokens,
    decimal Cost,
    long CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorCode = null)
{
    public bool Failed => Error is not null;
}

internal static class MessageRoles
{
    public const string User = "user";
    public const string Assistant = "assistant";
    public const string Tool = "tool";
}

/// <summary>A messages row as SQLite holds it; tool calls and results are JSON text.</summary>
internal sealed record MessageRow(
    string Id, string ConversationId, string Role, string Content, string? ToolCalls, string? ToolResults,
    string? Error, string? ErrorCode, string? RunId, string? Model, string? Provider,
    long InputTokens, long OutputTokens, double Cost, long CreatedAt)
{
    public MessageView ToView() => new(Id, ConversationId, Role, Content,
        ToolCalls is null ? null : JsonSerializer.Deserialize(ToolCalls, ConversationsJsonContext.Default.IReadOnlyListToolCallView),
        ToolResults is null ? null : JsonSerializer.Deserialize(ToolResults, ConversationsJsonContext.Default.IReadOnlyListToolResultView),
        Model, Provider, InputTokens, OutputTokens, decimal.Round((decimal)Cost, 6), CreatedAt, Error, ErrorCode);

    public static MessageRow From(MessageView view, string? runId) => new(view.Id, view.ConversationId, view.Role, view.Content,
        view.ToolCalls is null ? null : JsonSerializer.Serialize(view.ToolCalls, ConversationsJsonContext.Default.IReadOnlyListToolCallView),
        view.ToolResults is null ? null : JsonSerializer.Serialize(view.ToolResults, ConversationsJsonContext.Default.IReadOnlyListToolResultView),
        view.Error, view.ErrorCode, runId, view.Model, view.Provider, view.InputTokens, view.OutputTokens, (double)view.Cost, view.CreatedAt);
}
