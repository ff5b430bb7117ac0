using Dapper;
using OpenMotoko.Conversations;
using OpenMotoko.Storage;

namespace OpenMotoko.Webhooks;

/// <summary>The webhooks table. A deleted target conversation clears the webhook's target (ON DELETE SET NULL).</summary>
internal sealed class WebhookStore(Database database, TimeProvider time)
{
    private const string Columns =
        "id AS Id, name AS Name, secret AS Secret, enabled AS Enabled, target_conversation_id AS TargetConversationId, model AS Model, " +
        "prompt AS Prompt, last_triggered_at AS LastTriggeredAt, created_at AS CreatedAt, updated_at AS UpdatedAt, " +
        "deliver_channel AS DeliverChannel, deliver_chat_id AS DeliverChatId";

    public long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<(IReadOnlyList<Webhook> Items, long Total)> ListAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM webhooks");
        WebhookRow[] rows = [.. await connection.QueryAsync<WebhookRow>(
            $"SELECT {Columns} FROM webhooks ORDER BY created_at DESC, rowid DESC LIMIT $limit OFFSET $offset", new { limit, offset })];
        return ([.. rows.Select(r => r.ToWebhook())], total);
    }

    public async Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QueryFirstOrDefaultAsync<WebhookRow>($"SELECT {Columns} FROM webhooks WHERE id = $id", new { id });
        return row?.ToWebhook();
    }

    public async Task<Webhook> CreateAsync(string name, string? prompt, string? targetConversationId, string? model, bool enabled,
        Channels.DeliveryTarget? deliverTo, CancellationToken cancellationToken)
    {
        var now = Now();
        var webhook = new Webhook(ConversationStore.NewId(), name, Webhook.NewSecret(), enabled, targetConversationId, model, prompt, null, now, now,
            deliverTo);
        using var write = await database.BeginWriteAsync(cancellationToken);
        write.Connection.Execute(
            """
            INSERT INTO webhooks (id, name, secret, enabled, target_conversation_id, model, prompt, last_triggered_at, created_at, updated_at,
                deliver_channel, deliver_chat_id)
            VALUES ($Id, $Name, $Secret, $Enabled, $TargetConversationId, $Model, $Prompt, NULL, $CreatedAt, $UpdatedAt, $DeliverChannel, $DeliverChatId)
            """, WebhookRow.From(webhook));
        write.Commit();
        return webhook;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        using var write = await database.BeginWriteAsync(cancellationToken);
        var rows = write.Connection.Execute("DELETE FROM webhooks WHERE id = $id", new { id });
        write.Commit();
        return rows > 0;
    }

    /// <summary>Flips enabled; null when there is no such webhook.</summary>
    public async Task<Webhook?> ToggleAsync(string id, CancellationToken cancellationToken)
    {
        var now = Now();
        using var write = await database.BeginWriteAsync(cancellationToken);
        var rows = write.Connection.Execute("UPDATE webhooks SET enabled = 1 - enabled, updated_at = $now WHERE id = $id", new { id, now });
        write.Commit();
        return rows == 0 ? null : await GetAsync(id, cancellationToken);
    }

    /// <summary>Replaces the secret; the old one stops working at once. Null when there is no such webhook.</summary>
    public async Task<Webhook?> RotateSecretAsync(string id, CancellationToken cancellationToken)
    {
        var now = Now();
        var secret = Webhook.NewSecret();
        using var write = await database.BeginWriteAsync(cancellationToken);
        var rows = write.Connection.Execute("UPDATE webhooks SET secret = $secret, updated_at = $now WHERE id = $id", new { id, secret, now });
        write.Commit();
        return rows == 0 ? null : await GetAsync(id, cancellationToken);
    }

    public async Task MarkTriggeredAsync(string id, CancellationToken cancellationToken)
    {
        var now = Now();
        using var write = await database.BeginWriteAsync(cancellationToken);
        write.Connection.Execute("UPDATE webhooks SET last_triggered_at = $now WHERE id = $id", new { id, now });
        write.Commit();
    }
}

/// <summary>A webhooks row as SQLite holds it (enabled as 0 or 1).</summary>
internal sealed record WebhookRow(
    string Id, string Name, string Secret, long Enabled, string? TargetConversationId, string? Model, string? Prompt,
    long? LastTriggeredAt, long CreatedAt, long UpdatedAt, string? DeliverChannel, string? DeliverChatId)
{
    public Webhook ToWebhook() =>
        new(Id, Name, Secret, Enabled != 0, TargetConversationId, Model, Prompt, LastTriggeredAt, CreatedAt, UpdatedAt,
            DeliverChannel is not null && DeliverChatId is not null ? new(DeliverChannel, DeliverChatId) : null);

    public static WebhookRow From(Webhook w) =>
        new(w.Id, w.Name, w.Secret, w.Enabled ? 1 : 0, w.TargetConversationId, w.Model, w.Prompt, w.LastTriggeredAt, w.CreatedAt, w.UpdatedAt,
            w.DeliverTo?.Channel, w.DeliverTo?.ChatId);
}
