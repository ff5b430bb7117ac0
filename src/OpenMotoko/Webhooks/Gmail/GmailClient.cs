using System.Globalization;
using System.Net;
using System.Text.Json;
using OpenMotoko.Settings;

namespace OpenMotoko.Webhooks.Gmail;

/// <summary>A failure talking to Google; the message never carries a token.</summary>
internal sealed class GmailException(string message) : Exception(message);

/// <summary>
/// Reads what is new in the mailbox with the owner's OAuth client: refreshes an access token (kept
/// until shortly before it expires, on the injected clock), lists the history since the last history
/// id read (or, with none yet, takes the newest inbox message), and fetches each new message's
/// From, Subject, Date and snippet. At most <see cref="MaxMessages"/> per notification.
/// </summary>
internal sealed class GmailClient(IHttpClientFactory http, SettingsStore settings, GmailStore store, TimeProvider time)
{
    public const string HttpClientName = "gmail";
    public const int MaxMessages = 10;
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private (string Token, DateTimeOffset Expires, string RefreshToken)? _token;

    public bool Configured =>
        settings.GetString(SettingsCatalog.GmailClientId) is not null && settings.GetString(SettingsCatalog.GmailClientSecret) is not null &&
        settings.GetString(SettingsCatalog.GmailRefreshToken) is not null;

    public async Task<IReadOnlyList<GmailMessageSummary>> ReadNewAsync(GmailPush push, CancellationToken cancellationToken)
    {
        var client = http.CreateClient(HttpClientName);
        var token = await AccessTokenAsync(client, cancellationToken);
        var api = settings.GetString(SettingsCatalog.GmailApiBaseUrl)!.TrimEnd('/') + "/gmail/v1/users/me";
        var since = await store.HistoryIdAsync(push.EmailAddress, cancellationToken);
        var ids = new List<string>();
        var latest = push.HistoryId;
        // With no history id yet, or one Google no longer keeps (404), the notification is about the newest mail.
        var fromNewest = since is null;
        if (since is { } start && start < push.HistoryId)
        {
            var history = await GetAsync(client, token, $"{api}/history?startHistoryId={start}&historyTypes=messageAdded&maxResults=100",
                GmailJsonContext.Default.GmailHistoryList, cancellationToken);
            fromNewest = history is null;
            ids.AddRange(history?.History?.SelectMany(h => h.MessagesAdded ?? []).Select(m => m.Message?.Id).OfType<string>() ?? []);
            if (ulong.TryParse(history?.HistoryId, NumberStyles.None, CultureInfo.InvariantCulture, out var listed))
            {
                latest = Math.Max(listed, latest);
            }
        }
        if (fromNewest)
        {
            var newest = await GetAsync(client, token, $"{api}/messages?labelIds=INBOX&maxResults=1", GmailJsonContext.Default.GmailMessageList, cancellationToken);
            ids.AddRange(newest?.Messages?.Select(m => m.Id).OfType<string>() ?? []);
        }
        var messages = new List<GmailMessageSummary>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal).TakeLast(MaxMessages))
        {
            var message = await GetAsync(client, token,
                $"{api}/messages/{Uri.EscapeDataString(id)}?format=metadata&metadataHeaders=From&metadataHeaders=Subject&metadataHeaders=Date",
                GmailJsonContext.Default.GmailMessage, cancellationToken);
            if (message is not null)
            {
                messages.Add(new GmailMessageSummary(id, Header(message, "From"), Header(message, "Subject"), Header(message, "Date"), message.Snippet));
            }
        }
        await store.SaveHistoryIdAsync(push.EmailAddress, latest, cancellationToken);
        return messages;
    }

    private static string? Header(GmailMessage message, string name) =>
        message.Payload?.Headers?.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;

    /// <summary>GET with the bearer token; null on 404 (a message deleted meanwhile, a history id too old).</summary>
    private static async Task<T?> GetAsync<T>(HttpClient client, string token, string url, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type,
        CancellationToken cancellationToken) where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new GmailException($"the Gmail API answered {(int)response.StatusCode} to {new Uri(url).AbsolutePath}");
        }
        return JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(cancellationToken), type);
    }

    private async Task<string> AccessTokenAsync(HttpClient client, CancellationToken cancellationToken)
    {
        await _tokenLock.WaitAsync(cancellationToken);
        try
        {
            var refreshToken = settings.GetString(SettingsCatalog.GmailRefreshToken)!;
            if (_token is { } cached && cached.RefreshToken == refreshToken && cached.Expires > time.GetUtcNow())
            {
                return cached.Token;
            }
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = settings.GetString(SettingsCatalog.GmailClientId)!,
                ["client_secret"] = settings.GetString(SettingsCatalog.GmailClientSecret)!,
                ["refresh_token"] = refreshToken,
                ["grant_type"] = "refresh_token",
            });
            using var response = await client.PostAsync(settings.GetString(SettingsCatalog.GoogleOAuthTokenUrl), form, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new GmailException($"the OAuth token endpoint answered {(int)response.StatusCode}: check gmail.clientId, gmail.clientSecret and gmail.refreshToken");
            }
            var answer = JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(cancellationToken), GmailJsonContext.Default.OAuthTokenResponse);
            if (answer?.AccessToken is not { Length: > 0 } token)
            {
                throw new GmailException("the OAuth token endpoint answered without an access_token");
            }
            // A minute early, so a token never expires between the check and Google's answer.
            _token = (token, time.GetUtcNow().AddSeconds(Math.Max(0, (answer.ExpiresIn ?? 3600) - 60)), refreshToken);
            return token;
        }
        finally
        {
            _tokenLock.Release();
        }
    }
}
