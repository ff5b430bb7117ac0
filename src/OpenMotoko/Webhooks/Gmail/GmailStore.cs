using Dapper;
using OpenMotoko.Storage;

namespace OpenMotoko.Webhooks.Gmail;

/// <summary>The Pub/Sub message ids already handled (kept a week) and each mailbox's last history id read.</summary>
internal sealed class GmailStore(Database database, TimeProvider time)
{
    private const long KeepSeenMs = 7L * 24 * 3600 * 1000;

    /// <summary>Records a Pub/Sub message id; false when it was seen before (a redelivery).</summary>
    public async Task<bool> TryMarkSeenAsync(string messageId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var before = now - KeepSeenMs;
        using var write = await database.BeginWriteAsync(cancellationToken);
        write.Connection.Execute("DELETE FROM gmail_push_seen WHERE seen_at < $before", new { before });
        var rows = write.Connection.Execute(
            "INSERT INTO gmail_push_seen (message_id, seen_at) VALUES ($messageId, $now) ON CONFLICT DO NOTHING", new { messageId, now });
        write.Commit();
        return rows == 1;
    }

    /// <summary>Forgets a message id, so Pub/Sub's redelivery is handled (when the push could not be queued).</summary>
    public async Task ForgetAsync(string messageId, CancellationToken cancellationToken)
    {
        using var write = await database.BeginWriteAsync(cancellationToken);
        write.Connection.Execute("DELETE FROM gmail_push_seen WHERE message_id = $messageId", new { messageId });
        write.Commit();
    }

    public async Task<ulong?> HistoryIdAsync(string emailAddress, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var value = await connection.QueryFirstOrDefaultAsync<long?>(
            "SELECT history_id FROM gmail_mailboxes WHERE email_address = $emailAddress", new { emailAddress });
        return value is { } id ? (ulong)id : null;
    }

    /// <summary>Moves the mailbox's history id forward (never back: notifications may arrive out of order).</summary>
    public async Task SaveHistoryIdAsync(string emailAddress, ulong historyId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = (long)historyId;
        using var write = await database.BeginWriteAsync(cancellationToken);
        write.Connection.Execute(
            """
            INSERT INTO gmail_mailboxes (email_address, history_id, updated_at) VALUES ($emailAddress, $id, $now)
            ON CONFLICT (email_address) DO UPDATE SET history_id = MAX(history_id, excluded.history_id), updated_at = excluded.updated_at
            """, new { emailAddress, id, now });
        write.Commit();
    }
}
