using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OpenMotoko.Channels.Plugins;

/// <summary>
/// Any line a plugin writes (hello, status, inbound, callback, log, ack): one shape with every field
/// optional, read by its <see cref="Type"/>. Unknown fields are ignored, so plugins can add their own.
/// </summary>
internal sealed record PluginLine(
    string? Type,
    int? Protocol = null, string? Name = null, string? Version = null, JsonObject? ConfigSchema = null,
    string? State = null, string? Error = null,
    string? ChatId = null, string? SenderId = null, string? SenderName = null, string? Text = null, string? MessageId = null,
    bool? IsGroup = null, bool? Mentioned = null, string? Data = null,
    string? Level = null, string? Message = null,
    string? ReplyTo = null, bool? Ok = null);

/// <summary>What the daemon writes to a plugin: config, send, edit, typing.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(PluginConfigLine), "config")]
[JsonDerivedType(typeof(PluginSendLine), "send")]
[JsonDerivedType(typeof(PluginEditLine), "edit")]
[JsonDerivedType(typeof(PluginTypingLine), "typing")]
internal abstract record PluginCommand;

internal sealed record PluginConfigLine(int Protocol, string ChannelId, JsonObject Config) : PluginCommand;

/// <summary>A message to show in a chat; <c>format</c> is <c>markdown</c> (an answer) or <c>plain</c> (a preview, a notice).</summary>
internal sealed record PluginSendLine(string Id, string ChatId, string Text, string Format, PluginButton[]? Buttons = null) : PluginCommand;

internal sealed record PluginEditLine(string Id, string ChatId, string MessageId, string Text, string Format) : PluginCommand;

internal sealed record PluginTypingLine(string ChatId) : PluginCommand;

/// <summary>A button under a message; pressing it comes back as a <c>callback</c> with its <see cref="Data"/>.</summary>
internal sealed record PluginButton(string Label, string Data);

internal static class PluginProtocol
{
    public const int Version = 1;

    /// <summary>The longest line read from a plugin; a longer one is dropped (the child is not trusted).</summary>
    public const int MaxLineBytes = 256 * 1024;
}
