using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using OpenMotoko.Events;
using OpenMotoko.Storage;

namespace OpenMotoko.Activity;

/// <summary>One stored activity event, as the API and live listeners see it.</summary>
internal sealed record ActivityItem(string Id, string Type, string? ConversationId, string? Channel, string? SkillId, JsonObject Data, long CreatedAt);

internal sealed record ActivityRow(long Id, string Type, string? ConversationId, string? Channel, string? SkillId, string Data, long CreatedAt);

/// <summary>Which events to list; null filters match everything.</summary>
internal sealed record ActivityQuery(int Limit, int Offset, string? Type, string? Channel, string? SkillId, string? ConversationId);

/// <summary>
/// The activity feed: a subscriber of the event bus that stores every recorded event (secrets
/// redacted, size bounded). Rows are deferred: they commit with the next write transaction (a
/// turn's message) or within <see cref="DeferredWrites.FlushDelay"/>; once committed, each is
/// announced on the <see cref="LiveFeed"/> with its id.
/// </summary>
internal sealed class ActivityLog(Database database, SecretRedactor redactor, LiveFeed feed, TimeProvider time, ILogger<ActivityLog> logger)
    : IEventSubscriber
{
    private const int MaxFieldLength = 200;

    public ValueTask OnEventAsync(AgentEvent e)
    {
        if (!e.Recorded)
        {
            return ValueTask.CompletedTask;
        }
        var node = (JsonObject)JsonSerializer.SerializeToNode(e, EventsJsonContext.Default.AgentEvent)!;
        node.Remove("type"); // the row has its own column for it
        var (data, json) = redactor.RedactOwned(node);
        var scope = e.Scope;
        var row = new ActivityRow(0, e.Type, Bound(scope.ConversationId), Bound(scope.Channel), Bound(scope.SkillId),
            json, time.GetUtcNow().ToUnixTimeMilliseconds());
        database.Defer(new PendingEvent(row, data, feed, logger));
        return ValueTask.CompletedTask;
    }

    private static void Insert(SqliteConnection connection, ActivityRow row) =>
        connection.Execute(
            """
            INSERT INTO activity (type, conversation_id, channel, skill_id, data, created_at)
            VALUES ($Type, $ConversationId, $Channel, $SkillId, $Data, $CreatedAt)
            """, row);

    /// <summary>An event on its way to the table; live listeners hear of it once the commit that stores it is done.</summary>
    private sealed class PendingEvent(ActivityRow row, JsonObject data, LiveFeed feed, ILogger logger) : IDeferredWrite
    {
        private long _id;

        public void Write(SqliteConnection connection)
        {
            Insert(connection, row);
            _id = SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle); // no RETURNING: cheaper, and the feed is usually empty
        }

        public void Committed()
        {
            if (feed.HasListeners)
            {
                feed.Publish(ToItem(row with { Id = _id }, data));
            }
        }

        public void Failed(Exception exception) => StorageLog.DeferredDropped(logger, "activity " + row.Type, exception);
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
