using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Dapper;
using Microsoft.Data.Sqlite;
using OpenMotoko.Storage;

namespace OpenMotoko.Activity;

/// <summary>One stored activity event, as the API and live listeners see it.</summary>
internal sealed record ActivityItem(string Id, string Type, string? ConversationId, string? Channel, string? SkillId, JsonObject Data, long CreatedAt);

internal sealed record ActivityRow(long Id, string Type, string? ConversationId, string? Channel, string? SkillId, string Data, long CreatedAt);

/// <summary>Which events to list; null filters match everything.</summary>
internal sealed record ActivityQuery(int Limit, int Offset, string? Type, string? Channel, string? SkillId, string? ConversationId);

/// <summary>
/// The activity feed: stores every event (secrets redacted, size bounded) and hands it to live
/// listeners (the /ws feed) through bounded channels that drop the oldest event for a slow reader.
/// Rows are deferred: they commit with the next write transaction (a turn's message) or within
/// <see cref="DeferredWrites.FlushDelay"/>, and listeners hear of an event once it is stored.
/// </summary>
internal sealed class ActivityLog(Database database, SecretRedactor redactor, TimeProvider time, ILogger<ActivityLog> logger) : IActivitySink
{
    private const int MaxFieldLength = 200;

    private ImmutableArray<Channel<ActivityItem>> _listeners = [];

    public ValueTask PublishAsync(ActivityEntry entry, CancellationToken cancellationToken)
    {
        var (data, json) = redactor.RedactOwned(entry.Data); // a sink owns its entry's data
        var row = new ActivityRow(0, Bound(entry.Type) ?? "unknown", Bound(entry.ConversationId), Bound(entry.Channel), Bound(entry.SkillId),
            json, time.GetUtcNow().ToUnixTimeMilliseconds());
        database.Defer(new PendingEvent(this, row, data, logger));
        return ValueTask.CompletedTask;
    }

    private static long Insert(SqliteConnection connection, ActivityRow row) =>
        connection.QuerySingle<long>(
            """
            INSERT INTO activity (type, conversation_id, channel, skill_id, data, created_at)
            VALUES ($Type, $ConversationId, $Channel, $SkillId, $Data, $CreatedAt) RETURNING id
            """, row);

    private void Announce(ActivityItem item)
    {
        foreach (var listener in _listeners)
        {
            listener.Writer.TryWrite(item);
        }
    }

    /// <summary>An event on its way to the table; listeners get it after the commit that stores it.</summary>
    private sealed class PendingEvent(ActivityLog log, ActivityRow row, JsonObject data, ILogger logger) : IDeferredWrite
    {
        private long _id;

        public void Write(SqliteConnection connection) => _id = Insert(connection, row);

        public void Committed() => log.Announce(ToItem(row with { Id = _id }, data));

        public void Failed(Exception exception) => StorageLog.DeferredDropped(logger, "activity " + row.Type, exception);
    }

    /// <summary>A live feed of events published from now on; dispose it to stop listening.</summary>
    public ActivitySubscription Subscribe()
    {
        var channel = Channel.CreateBounded<ActivityItem>(new BoundedChannelOptions(256)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        ImmutableInterlocked.Update(ref _listeners, static (list, added) => list.Add(added), channel);
        return new ActivitySubscription(channel.Reader, () =>
        {
            ImmutableInterlocked.Update(ref _listeners, static (list, removed) => list.Remove(removed), channel);
            channel.Writer.TryComplete();
        });
    }

    public async Task<(List<ActivityItem> Items, long Total)> ListAsync(ActivityQuery query, CancellationToken cancellationToken)
    {
        await database.FlushAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        var filter = new { query.Type, query.Channel, query.SkillId, query.ConversationId, query.Limit, query.Offset };
        var total = await connection.QuerySingleAsync<long>(
            """
            SELECT COUNT(*) FROM activity
            WHERE ($Type IS NULL OR type = $Type) AND ($Channel IS NULL OR channel = $Channel)
              AND ($SkillId IS NULL OR skill_id = $SkillId) AND ($ConversationId IS NULL OR conversation_id = $ConversationId)
            """, filter);
        var rows = await connection.QueryAsync<ActivityRow>(
            """
            SELECT id AS Id, type AS Type, conversation_id AS ConversationId, channel AS Channel, skill_id AS SkillId,
                   data AS Data, created_at AS CreatedAt
            FROM activity
            WHERE ($Type IS NULL OR type = $Type) AND ($Channel IS NULL OR channel = $Channel)
              AND ($SkillId IS NULL OR skill_id = $SkillId) AND ($ConversationId IS NULL OR conversation_id = $ConversationId)
            ORDER BY id DESC
            LIMIT $Limit OFFSET $Offset
            """, filter);
        return ([.. rows.Select(row => ToItem(row, JsonNode.Parse(row.Data) as JsonObject ?? []))], total);
    }

    private static ActivityItem ToItem(ActivityRow row, JsonObject data) =>
        new(row.Id.ToString(CultureInfo.InvariantCulture), row.Type, row.ConversationId, row.Channel, row.SkillId, data, row.CreatedAt);

    private static string? Bound(string? text) => text is { Length: > MaxFieldLength } ? text[..MaxFieldLength] : text;
}

/// <summary>A live listener's end of the activity feed.</summary>
internal sealed class ActivitySubscription(ChannelReader<ActivityItem> reader, Action unsubscribe) : IDisposable
{
    public ChannelReader<ActivityItem> Reader { get; } = reader;

    public void Dispose() => unsubscribe();
}
