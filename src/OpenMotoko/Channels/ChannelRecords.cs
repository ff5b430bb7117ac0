using System.Text.Json.Nodes;

namespace OpenMotoko.Channels;

/// <summary>A channel as GET /api/channels shows it; secrets in <see cref="Config"/> are masked.</summary>
internal sealed record ChannelView(
    string Id, string Type, string Name, bool Enabled, string Status, string? LastError, long? LastMessageAt, string DmPolicy, JsonObject Config);

/// <summary>A sender a channel knows: approved, or waiting for the owner to approve its pairing code.</summary>
internal sealed record SenderView(string ChannelId, string SenderId, string? Name, string ChatId, string Status, long CreatedAt, long? ApprovedAt, long? CodeExpiresAt);

/// <summary>The answer of POST /api/channels/:id/pairing/:code/approve.</summary>
internal sealed record PairingApproved(string ChannelId, string SenderId, string? Name);

/// <summary>A channel's stored row: what the owner configured and where polling got to.</summary>
internal sealed record ChannelRow(string Id, string Type, string Name, long? Enabled, string DmPolicy, string Config, long PollOffset);

internal sealed record SenderRow(
    string ChannelId, string SenderId, string? Name, string ChatId, string Status, string? Code, long? CodeExpiresAt, long CreatedAt, long? ApprovedAt)
{
    public SenderView ToView() => new(ChannelId, SenderId, Name, ChatId, Status, CreatedAt, ApprovedAt, Status == SenderStatus.Pending ? CodeExpiresAt : null);
}

internal static class ChannelStatus
{
    public const string Stopped = "stopped";
    public const string Starting = "starting";
    public const string Running = "running";
    public const string Error = "error";
}

internal static class SenderStatus
{
    public const string Pending = "pending";
    public const string Approved = "approved";
}

/// <summary>Who may talk to a channel in a private chat: <c>pairing</c> (default), <c>allowlist</c>, <c>open</c>.</summary>
internal static class DmPolicies
{
    public const string Pairing = "pairing";
    public const string Allowlist = "allowlist";
    public const string Open = "open";

    public static readonly string[] All = [Pairing, Allowlist, Open];
}

/// <summary>
/// A message that arrived in a chat, as any channel reports it. <see cref="Unsupported"/> names what
/// was sent instead of text (a photo, a voice note); <see cref="Addressed"/> is false for a group
/// message that neither mentions nor replies to the bot.
/// </summary>
internal sealed record ChatInbound(string ChatId, string SenderId, string? SenderName, string? Text, bool IsGroup, bool Addressed, string? Unsupported = null);
