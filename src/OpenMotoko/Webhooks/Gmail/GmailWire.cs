using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Webhooks.Gmail;

/// <summary>A Pub/Sub push as the daemon keeps it: the mailbox, its history id, and the Pub/Sub message id (for dedupe).</summary>
internal sealed record GmailPush(string EmailAddress, ulong HistoryId, string MessageId);

/// <summary>What the owner's agent is told about one new e-mail (from users.messages.get, format=metadata).</summary>
internal sealed record GmailMessageSummary(string Id, string? From, string? Subject, string? Date, string? Snippet);

/// <summary>Google's OAuth token endpoint answer (refresh_token grant).</summary>
internal sealed record OAuthTokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] int? ExpiresIn);

/// <summary>users.history.list: the changes since a history id.</summary>
internal sealed record GmailHistoryList(IReadOnlyList<GmailHistory>? History, string? HistoryId, string? NextPageToken);

internal sealed record GmailHistory(string? Id, IReadOnlyList<GmailMessageAdded>? MessagesAdded);

internal sealed record GmailMessageAdded(GmailMessageRef? Message);

internal sealed record GmailMessageRef(string? Id, IReadOnlyList<string>? LabelIds);

/// <summary>users.messages.list: the newest messages, when there is no history id to start from.</summary>
internal sealed record GmailMessageList(IReadOnlyList<GmailMessageRef>? Messages);

/// <summary>users.messages.get with format=metadata.</summary>
internal sealed record GmailMessage(string? Id, string? Snippet, GmailPayload? Payload);

internal sealed record GmailPayload(IReadOnlyList<GmailHeader>? Headers);

internal sealed record GmailHeader(string? Name, string? Value);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OAuthTokenResponse))]
[JsonSerializable(typeof(GmailHistoryList))]
[JsonSerializable(typeof(GmailMessageList))]
[JsonSerializable(typeof(GmailMessage))]
internal sealed partial class GmailJsonContext : JsonSerializerContext;
