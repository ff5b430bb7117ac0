using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Webhooks.Gmail;

/// <summary>
/// POST /api/webhooks/gmail?token=…: Google Pub/Sub's push of a Gmail notification. Answers fast
/// (Pub/Sub redelivers what is not acknowledged in time) and leaves the reading and the run to the
/// <see cref="GmailWorker"/>. A repeated Pub/Sub message id is acknowledged and ignored.
/// </summary>
internal static class GmailPushApi
{
    public static async Task<Results<Ok, JsonHttpResult<ApiError>>> Push(
        HttpContext context, [FromServices] SettingsStore settings, [FromServices] GmailStore store, [FromServices] GmailWorker worker)
    {
        if (settings.GetString(SettingsCatalog.GmailPushToken) is not { } expected)
        {
            return ApiErrors.Of(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable,
                "Gmail push is not set up: set gmail.pushToken and put it in the push subscription's URL as ?token=.");
        }
        if (context.Request.Query["token"] is not [{ } token] || !WebhookTrigger.SecretMatches(token, expected))
        {
            return ApiErrors.Of(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "The token does not match gmail.pushToken.");
        }
        var body = await JsonBody.ReadAsync(context, required: true);
        if (Parse(body, out var subscription) is not { } push)
        {
            return ApiErrors.Validation("message",
                "Expected a Pub/Sub push: {message: {data: base64 of {\"emailAddress\", \"historyId\"}, messageId}, subscription}.");
        }
        if (settings.GetString(SettingsCatalog.GmailSubscription) is { Length: > 0 } allowed && !string.Equals(allowed, subscription, StringComparison.Ordinal))
        {
            return ApiErrors.Of(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "This push comes from a subscription other than gmail.subscription.");
        }
        if (!await store.TryMarkSeenAsync(push.MessageId, CancellationToken.None))
        {
            return TypedResults.Ok(); // a redelivery: acknowledged, nothing runs twice
        }
        if (!worker.TryQueue(push))
        {
            await store.ForgetAsync(push.MessageId, CancellationToken.None);
            return ApiErrors.Of(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "Too many Gmail notifications are waiting: Pub/Sub will retry.");
        }
        return TypedResults.Ok();
    }

    /// <summary>The push, or null when it is not one; Pub/Sub sends the message id as messageId (and message_id).</summary>
    public static GmailPush? Parse(JsonElement body, out string? subscription)
    {
        subscription = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("subscription", out var sub) && sub.ValueKind == JsonValueKind.String
            ? sub.GetString() : null;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object ||
            Text(message, "data") is not { } data || (Text(message, "messageId") ?? Text(message, "message_id")) is not { Length: > 0 and <= 200 } messageId)
        {
            return null;
        }
        try
        {
            using var notification = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(data)));
            var root = notification.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "emailAddress") is not { Length: > 0 and <= 320 } email ||
                !root.TryGetProperty("historyId", out var history))
            {
                return null;
            }
            ulong historyId;
            var ok = history.ValueKind == JsonValueKind.Number ? history.TryGetUInt64(out historyId)
                : ulong.TryParse(history.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out historyId);
            // SQLite keeps it as a signed 64-bit integer.
            return ok && historyId <= long.MaxValue ? new GmailPush(email, historyId, messageId) : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
