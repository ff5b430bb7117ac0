using System.Globalization;
using OpenMotoko.Approvals;

namespace OpenMotoko.Channels.Telegram;

/// <summary>
/// The Telegram channel as the chat framework sees it: sends answers as HTML (plain text when
/// Telegram refuses the entities), split under 4096 characters; turns updates into
/// <see cref="ChatInbound"/> messages; resolves Approve / Deny button presses through the broker.
/// </summary>
internal sealed class TelegramChannel(ChannelSettings settings, TelegramClient client, ChatInbox inbox, ChatAccess access, ApprovalBroker approvals,
    ILogger logger) : IChatTransport
{
    private const string ApprovalPrefix = "apr:";

    public ChannelSettings Settings => settings;

    /// <summary>The bot itself, once getMe answered: its id and username tell when a group mentions it.</summary>
    public TgUser? Me { get; set; }

    public async Task<string> SendAsync(string chatId, string markdown, CancellationToken cancellationToken)
    {
        var last = "";
        foreach (var part in TelegramSplitter.Split(markdown))
        {
            last = Id(await SendFormattedAsync(chatId, part, cancellationToken));
        }
        return last;
    }

    public async Task<string> SendPlainAsync(string chatId, string text, CancellationToken cancellationToken) =>
        Id(await client.SendMessageAsync(new TgSendMessage(chatId, Cut(text)), cancellationToken));

    public async Task EditPlainAsync(string chatId, string messageId, string text, CancellationToken cancellationToken) =>
        await EditAsync(new TgEditMessage(chatId, long.Parse(messageId, CultureInfo.InvariantCulture), Cut(text)), cancellationToken);

    public async Task ReplaceAsync(string chatId, string messageId, string markdown, CancellationToken cancellationToken)
    {
        var parts = TelegramSplitter.Split(markdown);
        var id = long.Parse(messageId, CultureInfo.InvariantCulture);
        var html = parts.Count == 0 ? null : TelegramHtml.FromMarkdown(parts[0]);
        try
        {
            await EditAsync(html is { Length: <= TelegramSplitter.MaxMessage }
                ? new TgEditMessage(chatId, id, html, "HTML") : new TgEditMessage(chatId, id, parts.Count == 0 ? "…" : parts[0]), cancellationToken);
        }
        catch (TelegramApiException ex) when (ex.CannotParseEntities)
        {
            await EditAsync(new TgEditMessage(chatId, id, parts[0]), cancellationToken);
        }
        foreach (var part in parts.Skip(1))
        {
            await SendFormattedAsync(chatId, part, cancellationToken);
        }
    }

    public Task TypingAsync(string chatId, CancellationToken cancellationToken) => client.SendChatActionAsync(chatId, cancellationToken);

    public Task AskApprovalAsync(string chatId, string approvalId, string text, CancellationToken cancellationToken) =>
        client.SendMessageAsync(new TgSendMessage(chatId, Cut(text), null, new TgInlineKeyboard([[
            new TgButton("✅ Approve", ApprovalPrefix + approvalId + ":y"), new TgButton("❌ Deny", ApprovalPrefix + approvalId + ":n")]])), cancellationToken);

    /// <summary>Hands one update to the framework (messages) or answers it here (button presses).</summary>
    public async Task DispatchAsync(TgUpdate update, CancellationToken stopping)
    {
        if (update.CallbackQuery is { } callback)
        {
            await AnswerButtonAsync(callback, stopping);
        }
        else if (update.Message is { From: { IsBot: false } from } message && Inbound(message, from) is { } inbound)
        {
            _ = inbox.Enqueue(this, inbound, stopping);
        }
    }

    private ChatInbound? Inbound(TgMessage message, TgUser from)
    {
        var unsupported = message.Photo is not null ? "photos" : message.Voice is not null || message.Audio is not null ? "voice and audio messages"
            : message.Document is not null ? "documents" : message.Video is not null || message.VideoNote is not null ? "videos"
            : message.Sticker is not null ? "stickers" : null;
        if (message.Text is null && unsupported is null)
        {
            return null; // a service message (someone joined, a title changed)
        }
        var isGroup = message.Chat.Type is "group" or "supergroup";
        var text = message.Text;
        var addressed = !isGroup || (Me is { } me && (message.ReplyToMessage?.From?.Id == me.Id || Mentions(text, me)));
        if (isGroup && Me?.Username is { } username && text is not null)
        {
            text = text.Replace("@" + username, "", StringComparison.OrdinalIgnoreCase).Trim();
        }
        var name = string.Join(' ', new[] { from.FirstName, from.LastName }.Where(n => !string.IsNullOrWhiteSpace(n)));
        return new ChatInbound(message.Chat.Id.ToString(CultureInfo.InvariantCulture), from.Id.ToString(CultureInfo.InvariantCulture),
            from.Username is { } handle ? "@" + handle : name.Length > 0 ? name : null, text is { Length: > 0 } ? text : message.Caption,
            isGroup, addressed, unsupported);
    }

    private static bool Mentions(string? text, TgUser me) =>
        text is not null && me.Username is { } username && text.Contains("@" + username, StringComparison.OrdinalIgnoreCase);

    private async Task AnswerButtonAsync(TgCallbackQuery callback, CancellationToken stopping)
    {
        var data = callback.Data ?? "";
        if (!data.StartsWith(ApprovalPrefix, StringComparison.Ordinal) || data.Length < ApprovalPrefix.Length + 3)
        {
            await client.AnswerCallbackAsync(callback.Id, null, stopping);
            return;
        }
        if (!await access.AllowsAsync(settings, callback.From.Id.ToString(CultureInfo.InvariantCulture), stopping))
        {
            await client.AnswerCallbackAsync(callback.Id, "Only the people this bot answers can decide.", stopping);
            return;
        }
        var approve = data.EndsWith(":y", StringComparison.Ordinal);
        var id = data[ApprovalPrefix.Length..^2];
        var answer = approvals.Decide(id, approve) switch
        {
            ApprovalDecision.Decided => approve ? "Approved ✅" : "Denied ❌",
            ApprovalDecision.AlreadyDecided => "Already decided.",
            _ => "This approval expired or its run ended.",
        };
        await client.AnswerCallbackAsync(callback.Id, answer, stopping);
        if (callback.Message is { } prompt)
        {
            await EditAsync(new TgEditMessage(prompt.Chat.Id.ToString(CultureInfo.InvariantCulture), prompt.MessageId,
                Cut((prompt.Text ?? "") + "\n\n" + answer)), stopping);
        }
    }

    private async Task<TgMessage> SendFormattedAsync(string chatId, string part, CancellationToken cancellationToken)
    {
        var html = TelegramHtml.FromMarkdown(part);
        if (html.Length > TelegramSplitter.MaxMessage)
        {
            return await client.SendMessageAsync(new TgSendMessage(chatId, part), cancellationToken);
        }
        try
        {
            return await client.SendMessageAsync(new TgSendMessage(chatId, html, "HTML"), cancellationToken);
        }
        catch (TelegramApiException ex) when (ex.CannotParseEntities)
        {
            ChannelsLog.SendFailed(logger, settings.Id, "Telegram refused the HTML; sent as plain text");
            return await client.SendMessageAsync(new TgSendMessage(chatId, part), cancellationToken);
        }
    }

    private async Task EditAsync(TgEditMessage edit, CancellationToken cancellationToken)
    {
        try
        {
            await client.EditMessageAsync(edit, cancellationToken);
        }
        catch (TelegramApiException ex) when (ex.NotModified)
        {
            // the same text again: nothing to change
        }
    }

    private static string Id(TgMessage message) => message.MessageId.ToString(CultureInfo.InvariantCulture);

    private static string Cut(string text) => text.Length <= TelegramSplitter.MaxMessage ? text : string.Concat(text.AsSpan(0, TelegramSplitter.MaxMessage - 1), "…");
}
