using System.Text.Json;
using OpenMotoko.Hosting;

namespace OpenMotoko.Channels;

/// <summary>
/// Where a source that does not start in a chat (a scheduled task, a webhook) also sends its answer:
/// <c>{"channel": "telegram", "chatId": "..."}</c>. A chat id may be given as a number, as Telegram's are.
/// </summary>
internal sealed record DeliveryTarget(string Channel, string ChatId)
{
    public const string Field = "deliverTo";

    /// <summary>Reads <c>deliverTo</c> from <paramref name="body"/>: null when absent or null, else checked (a problem added when malformed).</summary>
    public static DeliveryTarget? Read(JsonElement body, List<ErrorDetail> problems)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(Field, out var target) || target.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (Parse(target) is not { } parsed)
        {
            problems.Add(new ErrorDetail("body", Field, $"{Field} {Shape}"));
            return null;
        }
        return parsed;
    }

    /// <summary>What a well-formed target looks like, for error messages.</summary>
    public const string Shape = """must be {"channel": "telegram", "chatId": "<chat id>"}""";

    /// <summary>A target from its own JSON value (e.g. a setting's), or null when malformed.</summary>
    public static DeliveryTarget? Parse(JsonElement target) =>
        target.ValueKind != JsonValueKind.Object
        || !target.TryGetProperty("channel", out var channel) || channel.ValueKind != JsonValueKind.String
        || channel.GetString() is not { Length: >= 1 and <= 50 } channelId
        || !target.TryGetProperty("chatId", out var chat)
        || (chat.ValueKind == JsonValueKind.String ? chat.GetString() : chat.ValueKind == JsonValueKind.Number ? chat.GetRawText() : null)
            is not { Length: >= 1 and <= 100 } chatId
        || target.EnumerateObject().Any(p => p.Name is not ("channel" or "chatId"))
            ? null
            : new DeliveryTarget(channelId, chatId);
}
