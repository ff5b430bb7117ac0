using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;

namespace OpenMotoko.Channels.Telegram;

/// <summary>
/// POST /api/channels/{id}/webhook: Telegram's push of one update in webhook mode. Anonymous (Telegram has no
/// session) but refused with 401 unless X-Telegram-Bot-Api-Secret-Token matches the secret given to setWebhook,
/// compared in constant time; the same 401 when the channel is not in webhook mode, so nothing is told to a guesser.
/// </summary>
internal static class TelegramWebhookApi
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    /// <summary>An update is a few KiB; a message with every entity stays far under this.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    public static async Task<Results<Ok, JsonHttpResult<ApiError>>> Receive(string id, HttpContext context, [FromServices] ChannelSupervisor supervisor)
    {
        var cancellationToken = context.RequestAborted;
        if (supervisor.Webhook(id) is not { } webhook || context.Request.Headers[SecretHeader] is not [{ } given]
            || !Webhooks.WebhookTrigger.SecretMatches(given, webhook.Secret))
        {
            return ApiErrors.Of(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
                $"Send the secret token this channel gave setWebhook as '{SecretHeader}'.");
        }
        if (await ReadAsync(context.Request, cancellationToken) is not { } body)
        {
            return ApiErrors.Of(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
                $"The body is larger than {MaxBodyBytes / 1024} KiB, more than a Telegram update.");
        }
        TgUpdate? update;
        try
        {
            update = JsonSerializer.Deserialize(body, TelegramJsonContext.Default.TgUpdate);
        }
        catch (JsonException)
        {
            update = null;
        }
        if (update is not { UpdateId: > 0 })
        {
            return ApiErrors.Validation("update_id", "Expected a Telegram Update: a JSON object with update_id.");
        }
        await webhook.ReceiveAsync(update, cancellationToken);
        return TypedResults.Ok(); // also for a repeat: Telegram stops sending what was acknowledged
    }

    private static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }
        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                return null;
            }
            body.Write(chunk, 0, read);
        }
        return body.ToArray();
    }
}
