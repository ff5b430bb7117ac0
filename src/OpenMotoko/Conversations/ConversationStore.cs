using Dapper;
using OpenMotoko.Storage;

namespace OpenMotoko.Conversations;

/// <summary>
/// Conversations and their messages in SQLite. Writes that belong together share one transaction,
/// which also carries the deferred activity and usage records of the turn (see <see cref="Database.BeginWriteAsync"/>).
/// </summary>
internal sealed class ConversationStore(Database database, TimeProvider time)
{
    private const string ConversationColumns =
        "id AS Id, title AS Title, model AS Model, system_prompt AS SystemPrompt, channel_id AS ChannelId, created_at AS CreatedAt, updated_at AS UpdatedAt";

    private const string MessageColumns =
        "id AS Id, conversation_id AS ConversationId, role AS Role, content AS Content, tool_calls AS ToolCalls, tool_results AS ToolResults, " +
        "error AS Error, error_code AS ErrorCode, run_id AS RunId, model AS Model, provider AS Provider, " +
        "input_tokens AS InputTokens, output_tokens AS OutputTokens, cost AS Cost, created_at AS CreatedAt";

    public static string NewId() => Guid.CreateVersion7().ToString("N");

    public long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<ConversationPage> ListAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM conversations");
        Conversation[] items = [.. await connection.QueryAsync<Conversation>(
            $"SELECT {ConversationColumns} FROM conversations ORDER BY updated_at DESC, rowid DESC LIMIT $limit OFFSET $offset",
            new { limit, offset })];
        return new ConversationPage(items, total);
    }

    public async Task<Conversation?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<Conversation>(
            $"SELECT {ConversationColumns} FROM conversations WHERE id = $id", new { id });
    }

    public async Task<Conversation> CreateAsync(string? title, string? systemPrompt, string? model, string? channelId, CancellationToken cancellationToken)
    {
        var now = Now();
        var conversation = new Conversation(NewId(), title, model, systemPrompt, channelId, now, now);
        using var write = await database.BeginWriteAsync(cancellationToken);
        write.Connection.Execute(
            """
            INSERT INTO conversations (id, title, model, system_prompt, channel_id, created_at, updated_at)
            VALUES ($Id, $Title, $Model, $SystemPrompt, $ChannelId, $CreatedAt, $UpdatedAt)
            """, conversation);
        write.Commit();
        return conversation;
    }

    /// <summary>The conversation of a chat (<paramref name="channel"/>, <paramref name="chatId"/>), created on first contact.</summary>
    public async Task<Conversation> ForChatAsync(string channel, string chatId, CancellationToken cancellationToken)
    {
        var key = new { channel, chatId };
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            if (await connection.QueryFirstOrDefaultAsync<Conversation>(
                    $"SELECT {ConversationColumns} FROM conversations WHERE channel_id = $channel AND channel_chat_id = $chatId", key) is { } found)
            {
                return found;
            }
        }
        var now = Now();
        using var write = await database.BeginWriteAsync(cancellationToken);
        // Two first messages of one chat may race here: the unique index keeps one, and both use it.
        write.Connection.Execute(
            """
            INSERT INTO conversations (id, title, model, system_prompt, channel_id, channel_chat_id, created_at, updated_at)
            VALUES ($id, NULL, NULL, NULL, $channel, $chatId, $now, $now)
            ON CONFLICT DO NOTHING
            """, new { id = NewId(), channel, chatId, now });
        var conversation = write.Connection.QuerySingle<Conversation>(
            $"SELECT {ConversationColumns} FROM conversations WHERE channel_id = $channel AND channel_chat_id = $chatId", key);
        write.Commit();
        return conversation;
    }

    /// <summary>Writes the new title, system prompt and model (all three, as the caller merged them).</summary>
    public async Task<Conversation?> UpdateAsync(Conversation updated, CancellationToken cancellationToken)
    {
        var changed = updated with { UpdatedAt = Now() };
        using var write = await database.BeginWriteAsync(cancellationToken);
        var rows = write.Connection.Execute(
            "UPDATE conversations SET title = $Title, model = $Model, system_prompt = $SystemPrompt, updated_at = $UpdatedAt WHERE id = $Id",
            changed);
        write.Commit();
        return rows == 0 ? null : changed;
    }

    /// <summary>Deletes the conversation and its messages in one transaction; false when it did not exist.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        using var write = await database.BeginWriteAsync(cancellationToken);
        write.Connection.Execute("DELETE FROM messages WHERE conversation_id = $id", new { id });
        var rows = write.Connection.Execute("DELETE FROM conversations WHERE id = $id", new { id });
        write.Commit();
        return rows > 0;
    }

    public async Task<IReadOnlyList<MessageView>> MessagesAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        MessageRow[] rows = [.. await connection.QueryAsync<MessageRow>(
            $"SELECT {MessageColumns} FROM messages WHERE conversation_id = $conversationId ORDER BY created_at, rowid",
            new { conversationId })];
        return [.. rows.Select(r => r.ToView())];
    }

    /// <summary>
    /// Appends messages and touches the conversation in one transaction. The first user message
    /// names an untitled conversation. False when the conversation no longer exists.
    /// </summary>
    public async Task<bool> AppendAsync(string conversationId, string? runId, IReadOnlyList<MessageView> messages, CancellationToken cancellationToken)
    {
        var now = Now();
        var title = messages.FirstOrDefault(m => m.Role == MessageRoles.User)?.Content is { } first ? TitleFrom(first) : null;
        using var write = await database.BeginWriteAsync(cancellationToken);
        var touched = write.Connection.Execute(
            "UPDATE conversations SET updated_at = $now, title = COALESCE(title, $title) WHERE id = $conversationId",
            new { now, title, conversationId });
        if (touched == 0)
        {
            return false;
        }
        foreach (var message in messages)
        {
            write.Connection.Execute(
                """
                INSERT INTO messages (id, conversation_id, role, content, tool_calls, tool_results, error, error_code, run_id,
                                      model, provider, input_tokens, output_tokens, cost, created_at)
                VALUES ($Id, $ConversationId, $Role, $Content, $ToolCalls, $ToolResults, $Error, $ErrorCode, $RunId,
                        $Model, $Provider, $InputTokens, $OutputTokens, $Cost, $CreatedAt)
                """, MessageRow.From(message, runId));
        }
        write.Commit();
        return true;
    }

    private static string TitleFrom(string content)
    {
        var line = content.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        line = end >= 0 ? line[..end] : line;
        return line.Length <= 60 ? line.ToString() : string.Concat(line[..59].TrimEnd(), "…");
    }
}
