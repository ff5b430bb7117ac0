using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Agent;
using OpenMotoko.Events;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Webhooks;

/// <summary>
/// POST /api/webhooks/:id/trigger, reachable without a session: the caller proves itself with the
/// secret (x-webhook-secret) or a GitHub-style signature of the raw body (X-Hub-Signature-256), both
/// compared in constant time. The body is read up to 256 KiB and no further. An accepted trigger
/// starts a run in the background and answers 202 at once.
/// </summary>
internal static class WebhookTrigger
{
    public const int MaxBodyBytes = 256 * 1024;
    public const string SecretHeader = "x-webhook-secret";
    public const string SignatureHeader = "X-Hub-Signature-256";

    public static async Task<Results<Accepted<TriggerAccepted>, JsonHttpResult<ApiError>>> Trigger(
        string id, HttpContext context, [FromServices] WebhookStore store, [FromServices] WebhookTurns turns, [FromServices] RequestRateLimiter limiter, [FromServices] SettingsStore settings,
        [FromServices] EventBus bus, [FromServices] ILogger<WebhookStore> logger)
    {
        var cancellationToken = context.RequestAborted;
        if (await store.GetAsync(id, cancellationToken) is not { } webhook)
        {
            return ApiErrors.NotFound($"No webhook with id '{id}'.");
        }
        var headers = context.Request.Headers;
        var secret = headers[SecretHeader].ToString();
        var signature = headers[SignatureHeader].ToString();
        if (secret.Length == 0 && signature.Length == 0)
        {
            return ApiErrors.Of(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
                $"Send the webhook's secret as '{SecretHeader}', or sign the body: '{SignatureHeader}: sha256=<hex HMAC-SHA256 of the body>'.");
        }
        if (secret.Length > 0 && !SecretMatches(secret, webhook.Secret))
        {
            return Refused(logger, webhook, context);
        }
        if (await ReadBodyAsync(context.Request, cancellationToken) is not { } body)
        {
            return ApiErrors.Of(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
                $"The body is larger than {MaxBodyBytes / 1024} KiB, the most a webhook takes.");
        }
        if (secret.Length == 0 && !SignatureMatches(signature, webhook.Secret, body))
        {
            return Refused(logger, webhook, context);
        }
        if (!webhook.Enabled)
        {
            return ApiErrors.Of(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "This webhook is disabled: enable it with POST /api/webhooks/:id/toggle.");
        }
        var perMinute = settings.GetInt32(SettingsCatalog.WebhookRatePerMinute);
        if (!limiter.TryAcquire("webhook:" + webhook.Id, perMinute, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiErrors.Of(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                $"This webhook takes at most {perMinute} triggers a minute ({SettingsCatalog.WebhookRatePerMinute}): try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.");
        }

        var content = WebhookPrompt.Render(webhook, Encoding.UTF8.GetString(body), headers);
        var run = await turns.StartAsync($"Webhook: {webhook.Name}", webhook.TargetConversationId, webhook.Model, content, CancellationToken.None,
            webhook.DeliverTo);
        await store.MarkTriggeredAsync(webhook.Id, CancellationToken.None);
        await bus.PublishAsync(new WebhookTriggered(new EventScope(run.Id, run.ConversationId, TurnSources.Webhook),
            webhook.Id, webhook.Name, secret.Length > 0 ? "secret" : "signature", body.Length));
        WebhooksLog.Triggered(logger, webhook.Id, webhook.Name, run.Id, run.ConversationId);
        return TypedResults.Accepted((string?)null, new TriggerAccepted(run.Id, run.ConversationId));
    }

    /// <summary>Hashes both first, so neither the length nor the content of the secret shows in the timing.</summary>
    public static bool SecretMatches(string given, string secret) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool SignatureMatches(string header, string secret, byte[] body)
    {
        if (!header.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) || header.Length != 7 + 64)
        {
            return false;
        }
        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(7));
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body), given);
    }

    private static JsonHttpResult<ApiError> Refused(ILogger logger, Webhook webhook, HttpContext context)
    {
        WebhooksLog.Refused(logger, webhook.Id, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        return ApiErrors.Of(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "The secret or signature does not match this webhook's secret.");
    }

    /// <summary>The raw body, or null as soon as it grows past <see cref="MaxBodyBytes"/> (the rest is never read).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }
        using var body = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (body.Length + read > MaxBodyBytes)
                {
                    return null;
                }
                body.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return body.ToArray();
    }
}
