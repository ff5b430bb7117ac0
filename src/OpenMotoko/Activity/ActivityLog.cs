using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Dapper;
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
/// </summary>
internal sealed class ActivityLog(Database database, SecretRedactor redactor, TimeProvider time) : IActivitySink
{
    private const int MaxFieldLength = 200;

    private ImmutableArray<Channel<ActivityItem>> _listeners = [];

    public async ValueTask PublishAsync(ActivityEntry entry, CancellationToken cancellationToken)
    {
        var data = redactor.Redact(entry.Data);
        var row = new ActivityRow(0, Bound(entry.Type) ?? "unknown", Bound(entry.ConversationId), Bound(entry.Channel), Bound(entry.SkillId),
            data.ToJsonString(), time.GetUtcNow().ToUnixTimeMilliseconds());
        await using (var connection = await database.OpenRelaxedAsync(cancellationToken))
        {
            var id = await connection.QuerySingleAsync<long>(
                """
                INSERT INTO activity (type, conversation_id, channel, skill_id, data, created_at)
                VALUES ($Type, $ConversationId, $Channel, $SkillId, $Data, $CreatedAt) RETURNING id
                """, row);
            row = row with { Id = id };
        }
        var item = ToItem(row, data);
        foreach (var listener in _listeners)
        {
            listener.Writer.TryWrite(item);
        }
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
            ORDER BY created_at DESC, id DESC
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
