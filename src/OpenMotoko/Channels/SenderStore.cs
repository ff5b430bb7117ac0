using System.Security.Cryptography;
using Dapper;
using OpenMotoko.Storage;

namespace OpenMotoko.Channels;

/// <summary>
/// Senders of each channel: the approved ones, and pairing requests (a 6-digit code that expires
/// after <see cref="CodeLifetime"/>). The only thing an unknown sender can make us store is its pairing request.
/// </summary>
internal sealed class SenderStore(Database database, TimeProvider time)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromHours(1);

    private const string Columns =
        "channel_id AS ChannelId, sender_id AS SenderId, name AS Name, chat_id AS ChatId, status AS Status, code AS Code, " +
        "code_expires_at AS CodeExpiresAt, created_at AS CreatedAt, approved_at AS ApprovedAt";

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<bool> IsApprovedAsync(string channelId, string senderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM channel_senders WHERE channel_id = $channelId AND sender_id = $senderId AND status = 'approved'",
            new { channelId, senderId }) > 0;
    }

    public async Task<IReadOnlyList<SenderView>> ListAsync(string channelId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        SenderRow[] rows = [.. await connection.QueryAsync<SenderRow>(
            $"SELECT {Columns} FROM channel_senders WHERE channel_id = $channelId ORDER BY created_at, sender_id", new { channelId })];
        return [.. rows.Select(r => r.ToView())];
    }

    /// <summary>
    /// The sender's pairing code: the one still valid, else a new one (the request is stored, replacing
    /// an expired one). Returns the code and whether it is new.
    /// </summary>
    public async Task<(string Code, bool New)> PairingCodeAsync(string channelId, string senderId, string? name, string chatId, CancellationToken cancellationToken)
    {
        var now = Now();
        using var write = await database.BeginWriteAsync(cancellationToken);
        var current = write.Connection.QueryFirstOrDefault<SenderRow>(
            $"SELECT {Columns} FROM channel_senders WHERE channel_id = $channelId AND sender_id = $senderId", new { channelId, senderId });
        if (current is { Status: SenderStatus.Pending, Code: { } valid } && current.CodeExpiresAt > now)
        {
            return (valid, false);
        }
        string code;
        do
        {
            code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        }
        while (write.Connection.ExecuteScalar<long>("SELECT COUNT(*) FROM channel_senders WHERE code = $code", new { code }) > 0);
        write.Connection.Execute(
            """
            INSERT INTO channel_senders (channel_id, sender_id, name, chat_id, status, code, code_expires_at, created_at, approved_at)
            VALUES ($channelId, $senderId, $name, $chatId, 'pending', $code, $expires, $now, NULL)
            ON CONFLICT (channel_id, sender_id) DO UPDATE SET name = excluded.name, chat_id = excluded.chat_id,
                status = 'pending', code = excluded.code, code_expires_at = excluded.code_expires_at, created_at = excluded.created_at
            """, new { channelId, senderId, name = Bound(name), chatId, code, expires = now + (long)CodeLifetime.TotalMilliseconds, now });
        write.Commit();
        return (code, true);
    }

    /// <summary>Approves the pending request holding <paramref name="code"/> (of any channel when <paramref name="channelId"/> is null); null when none is valid.</summary>
    public async Task<SenderRow?> ApproveAsync(string? channelId, string code, CancellationToken cancellationToken)
    {
        var now = Now();
        using var write = await database.BeginWriteAsync(cancellationToken);
        var pending = write.Connection.QueryFirstOrDefault<SenderRow>(
            $"SELECT {Columns} FROM channel_senders WHERE code = $code AND status = 'pending' AND code_expires_at > $now", new { code, now });
        if (pending is null || (channelId is not null && pending.ChannelId != channelId))
        {
            return null;
        }
        write.Connection.Execute(
            """
            UPDATE channel_senders SET status = 'approved', code = NULL, code_expires_at = NULL, approved_at = $now
            WHERE channel_id = $ChannelId AND sender_id = $SenderId
            """, new { now, pending.ChannelId, pending.SenderId });
        write.Commit();
        return pending with { Status = SenderStatus.Approved, Code = null, ApprovedAt = now };
    }

    /// <summary>Senders approved at or after <paramref name="since"/> (Unix ms), oldest approval first.</summary>
    public async Task<IReadOnlyList<SenderRow>> ApprovedSinceAsync(long since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<SenderRow>(
            $"SELECT {Columns} FROM channel_senders WHERE status = 'approved' AND approved_at >= $since ORDER BY approved_at", new { since })];
    }

    public async Task<bool> RemoveAsync(string channelId, string senderId, CancellationToken cancellationToken)
    {
        using var write = await database.BeginWriteAsync(cancellationToken);
        var rows = write.Connection.Execute(
            "DELETE FROM channel_senders WHERE channel_id = $channelId AND sender_id = $senderId", new { channelId, senderId });
        write.Commit();
        return rows > 0;
    }

    private static string? Bound(string? name) => name is { Length: > 100 } ? name[..100] : name;
}
