using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Channels.Telegram;

/// <summary>Every Bot API answer: <c>ok</c> with a <c>result</c>, or an <c>error_code</c>, <c>description</c> and <c>parameters</c>.</summary>
internal sealed record TgResponse<T>(bool Ok, T? Result, int? ErrorCode, string? Description, TgResponseParameters? Parameters);

internal sealed record TgResponseParameters(int? RetryAfter, long? MigrateToChatId);

internal sealed record TgUpdate(long UpdateId, TgMessage? Message, TgCallbackQuery? CallbackQuery);

internal sealed record TgUser(long Id, bool IsBot, string? FirstName, string? LastName, string? Username);

internal sealed record TgChat(long Id, string Type);

internal sealed record TgEntity(string Type, int Offset, int Length);

internal sealed record TgMessage(
    long MessageId, TgUser? From, TgChat Chat, string? Text, string? Caption, TgEntity[]? Entities, TgMessage? ReplyToMessage,
    JsonElement? Photo, JsonElement? Voice, JsonElement? Document, JsonElement? Audio, JsonElement? Video, JsonElement? VideoNote, JsonElement? Sticker);

internal sealed record TgCallbackQuery(string Id, TgUser From, TgMessage? Message, string? Data);

internal sealed record TgGetUpdates(long Offset, int Timeout, string[] AllowedUpdates);

internal sealed record TgSendMessage(string ChatId, string Text, string? ParseMode = null, TgInlineKeyboard? ReplyMarkup = null);

internal sealed record TgEditMessage(string ChatId, long MessageId, string Text, string? ParseMode = null, TgInlineKeyboard? ReplyMarkup = null);

internal sealed record TgChatAction(string ChatId, string Action);

internal sealed record TgAnswerCallback(string CallbackQueryId, string? Text);

internal sealed record TgInlineKeyboard(TgButton[][] InlineKeyboard);

internal sealed record TgButton(string Text, string CallbackData);

internal sealed record TgEmpty;

internal sealed record TgSetWebhook(string Url, string SecretToken, string[] AllowedUpdates);

internal sealed record TgDeleteWebhook(bool DropPendingUpdates);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TgResponse<TgUpdate[]>))]
[JsonSerializable(typeof(TgResponse<TgUser>))]
[JsonSerializable(typeof(TgResponse<TgMessage>))]
[JsonSerializable(typeof(TgResponse<JsonElement>))]
[JsonSerializable(typeof(TgGetUpdates))]
[JsonSerializable(typeof(TgSendMessage))]
[JsonSerializable(typeof(TgEditMessage))]
[JsonSerializable(typeof(TgChatAction))]
[JsonSerializable(typeof(TgAnswerCallback))]
[JsonSerializable(typeof(TgEmpty))]
[JsonSerializable(typeof(TgSetWebhook))]
[JsonSerializable(typeof(TgDeleteWebhook))]
[JsonSerializable(typeof(TgUpdate))]
internal sealed partial class TelegramJsonContext : JsonSerializerContext;
