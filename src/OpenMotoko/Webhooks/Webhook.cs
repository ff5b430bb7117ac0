using System.Security.Cryptography;
using OpenMotoko.Channels;

namespace OpenMotoko.Webhooks;

/// <summary>A webhook as stored, secret included: never serialized to a response.</summary>
internal sealed record Webhook(
    string Id, string Name, string Secret, bool Enabled, string? TargetConversationId, string? Model, string? Prompt,
    long? LastTriggeredAt, long CreatedAt, long UpdatedAt, DeliveryTarget? DeliverTo)
{
    /// <summary>A new secret: 32 random bytes, URL-safe base64 (43 characters).</summary>
    public static string NewSecret() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public WebhookView View(string triggerUrl) =>
        new(Id, Name, Secret[^4..], Enabled, TargetConversationId, Model, Prompt, DeliverTo, triggerUrl, LastTriggeredAt, CreatedAt);

    public WebhookWithSecret WithSecret(string triggerUrl) =>
        new(Id, Name, Secret, Enabled, TargetConversationId, Model, Prompt, DeliverTo, triggerUrl, LastTriggeredAt, CreatedAt);

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A webhook as lists and GET show it: the last 4 characters of its secret, never the secret.</summary>
internal sealed record WebhookView(
    string Id, string Name, string SecretHint, bool Enabled, string? TargetConversationId, string? Model, string? Prompt,
    DeliveryTarget? DeliverTo, string TriggerUrl, long? LastTriggeredAt, long CreatedAt);

/// <summary>A webhook with its secret: only the answers of create and rotate-secret.</summary>
internal sealed record WebhookWithSecret(
    string Id, string Name, string Secret, bool Enabled, string? TargetConversationId, string? Model, string? Prompt,
    DeliveryTarget? DeliverTo, string TriggerUrl, long? LastTriggeredAt, long CreatedAt);

internal sealed record WebhookPage(IReadOnlyList<WebhookView> Items, long Total);

/// <summary>The answer of an accepted trigger: the run started in the background and where its answer lands.</summary>
internal sealed record TriggerAccepted(string RunId, string ConversationId);
