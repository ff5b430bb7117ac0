using Dapper;
using OpenMotoko.Storage;

namespace OpenMotoko.Channels;

/// <summary>The channels table: configuration, enabled state and the polling offset of each channel.</summary>
internal sealed class ChannelStore(Database database, TimeProvider time)
{
    private const string Columns =
        "id AS Id, type AS Type, name AS Name, enabled AS Enabled, dm_policy AS DmPolicy, config AS Config, poll_offset AS PollOffset";

    public async Task<ChannelRow?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<ChannelRow>($"SELECT {Columns} FROM channels WHERE id = $id", new { id });
    }

    /// <summary>Stores the owner's choices; the polling offset is kept unless <paramref name="resetOffset"/> (another bot).</summary>
    public async Task SaveAsync(ChannelRow row, bool resetOffset, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        using var write = await database.BeginWriteAsync(cancellationToken);
        write.Connection.Execute(
            """
            INSERT INTO channels (id, type, name, enabled, dm_policy, config, poll_offset, updated_at)
            VALUES ($Id, $Type, $Name, $Enabled, $DmPolicy, $Config, 0, $now)
            ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, dm_policy = excluded.dm_policy,
                config = excluded.config, updated_at = excluded.updated_at,
                poll_offset = CASE WHEN $reset = 1 THEN 0 ELSE channels.poll_offset END
            """, new { row.Id, row.Type, row.Name, row.Enabled, row.DmPolicy, row.Config, now, reset = resetOffset ? 1 : 0 });
        write.Commit();
    }

    /// <summary>Remembers the next update to ask for, so a restart neither loses nor repeats one.</summary>
    public async Task SaveOffsetAsync(string id, string type, string name, long offset, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        using var write = await database.BeginWriteAsync(cancellationToken);
        write.Connection.Execute(
            """
            INSERT INTO channels (id, type, name, enabled, dm_policy, config, poll_offset, updated_at)
            VALUES ($id, $type, $name, NULL, 'pairing', '{}', $offset, $now)
            ON CONFLICT (id) DO UPDATE SET poll_offset = excluded.poll_offset
            """, new { id, type, name, offset, now });
        write.Commit();
    }

    /// <summary>Detaches a chat from its conversation (chat command /new): its next message starts a new one.</summary>
    public async Task<bool> DetachChatAsync(string channelId, string chatId, CancellationToken cancellationToken)
    {
        using var write = await database.BeginWriteAsync(cancellationToken);
        var rows = write.Connection.Execute(
            "UPDATE conversations SET channel_chat_id = NULL WHERE channel_id = $channelId AND channel_chat_id = $chatId",
            new { channelId, chatId });
        write.Commit();
        return rows > 0;
    }

    /// <summary>The conversation a chat is in now, without creating one.</summary>
    public async Task<string?> ConversationOfAsync(string channelId, string chatId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<string>(
            "SELECT id FROM conversations WHERE channel_id = $channelId AND channel_chat_id = $chatId", new { channelId, chatId });
    }
}
