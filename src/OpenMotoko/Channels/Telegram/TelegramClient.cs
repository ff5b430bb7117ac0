using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OpenMotoko.Channels.Telegram;

/// <summary>
/// The Bot API over a plain HttpClient: POSTs JSON to <c>{base}/bot{token}/{method}</c> and reads
/// <c>ok/result</c> or the error. The token is in the URL only; it never appears in an exception
/// message, a log line or an event. Sends that Telegram rate-limits (429) wait <c>retry_after</c> on
/// the injected clock and try again.
/// </summary>
internal sealed class TelegramClient(HttpClient http, string baseUrl, string token, TimeProvider time)
{
    private const int MaxSendAttempts = 4;
    private static readonly TelegramJsonContext Json = TelegramJsonContext.Default;

    public Task<TgUser> GetMeAsync(CancellationToken cancellationToken) =>
        CallAsync("getMe", new TgEmpty(), Json.TgEmpty, Json.TgResponseTgUser, cancellationToken);

    public Task<TgUpdate[]> GetUpdatesAsync(long offset, int timeoutSeconds, CancellationToken cancellationToken) =>
        CallAsync("getUpdates", new TgGetUpdates(offset, timeoutSeconds, ["message", "callback_query"]), Json.TgGetUpdates,
            Json.TgResponseTgUpdateArray, cancellationToken);

    /// <summary>Webhook mode: Telegram POSTs updates to <paramref name="url"/> with <paramref name="secret"/> in X-Telegram-Bot-Api-Secret-Token.</summary>
    public Task<JsonElement> SetWebhookAsync(string url, string secret, CancellationToken cancellationToken) =>
        CallAsync("setWebhook", new TgSetWebhook(url, secret, ["message", "callback_query"]), Json.TgSetWebhook, Json.TgResponseJsonElement, cancellationToken);

    /// <summary>Back to polling: getUpdates answers 409 while a webhook is set. Pending updates are kept for the poller.</summary>
    public Task<JsonElement> DeleteWebhookAsync(CancellationToken cancellationToken) =>
        CallAsync("deleteWebhook", new TgDeleteWebhook(false), Json.TgDeleteWebhook, Json.TgResponseJsonElement, cancellationToken);

    public Task<TgMessage> SendMessageAsync(TgSendMessage message, CancellationToken cancellationToken) =>
        WithRetryAsync(ct => CallAsync("sendMessage", message, Json.TgSendMessage, Json.TgResponseTgMessage, ct), cancellationToken);

    public Task<JsonElement> EditMessageAsync(TgEditMessage edit, CancellationToken cancellationToken) =>
        WithRetryAsync(ct => CallAsync("editMessageText", edit, Json.TgEditMessage, Json.TgResponseJsonElement, ct), cancellationToken);

    public Task<JsonElement> SendChatActionAsync(string chatId, CancellationToken cancellationToken) =>
        CallAsync("sendChatAction", new TgChatAction(chatId, "typing"), Json.TgChatAction, Json.TgResponseJsonElement, cancellationToken);

    public Task<JsonElement> AnswerCallbackAsync(string callbackId, string? text, CancellationToken cancellationToken) =>
        CallAsync("answerCallbackQuery", new TgAnswerCallback(callbackId, text), Json.TgAnswerCallback, Json.TgResponseJsonElement, cancellationToken);

    /// <summary>Retries a send that was rate-limited (after retry_after) or lost on the network (after a short pause).</summary>
    private async Task<T> WithRetryAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken);
            }
            catch (TelegramApiException ex) when (ex.ErrorCode == 429 && attempt < MaxSendAttempts)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Clamp(ex.RetryAfter ?? 1, 1, 3600)), time, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < MaxSendAttempts && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), time, cancellationToken);
            }
        }
    }

    private async Task<TResult> CallAsync<TRequest, TResult>(string method, TRequest request, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TgResponse<TResult>> responseType, CancellationToken cancellationToken)
    {
        TgResponse<TResult>? answer;
        try
        {
            // Sent with a Content-Length (not chunked): some Bot API servers and proxies in front of them want one.
            using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, requestType));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync($"{baseUrl}/bot{token}/{method}", content, cancellationToken);
            answer = JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(cancellationToken), responseType);
            if (answer is null || (!answer.Ok && answer.ErrorCode is null))
            {
                answer = new TgResponse<TResult>(false, default, (int)response.StatusCode, $"HTTP {(int)response.StatusCode} without a Bot API answer", null);
            }
        }
        catch (JsonException)
        {
            throw new HttpRequestException($"Telegram's answer to {method} was not Bot API JSON.");
        }
        catch (HttpRequestException ex)
        {
            // The message of a connection failure may quote the URL, and the URL holds the token.
            throw new HttpRequestException($"Telegram could not be reached ({method}): {Redact(ex.Message)}", null, ex.StatusCode);
        }
        if (!answer.Ok)
        {
            throw new TelegramApiException(answer.ErrorCode ?? 0, Redact(answer.Description ?? "no description"), answer.Parameters?.RetryAfter);
        }
        return answer.Result!;
    }

    private string Redact(string text) => token.Length == 0 ? text : text.Replace(token, "***", StringComparison.Ordinal);
}
