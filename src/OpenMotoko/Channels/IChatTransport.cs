namespace OpenMotoko.Channels;

/// <summary>
/// What the chat framework needs from a running channel (Telegram; later a plugin) to talk to one
/// of its chats. Texts are the model's Markdown; the channel formats, splits and falls back as its
/// network requires. Message ids are the channel's own.
/// </summary>
internal interface IChatTransport
{
    ChannelSettings Settings { get; }

    /// <summary>Sends a (possibly long) answer; returns the id of the last message sent.</summary>
    Task<string> SendAsync(string chatId, string markdown, CancellationToken cancellationToken);

    /// <summary>Sends unformatted text (a streaming preview); returns its message id.</summary>
    Task<string> SendPlainAsync(string chatId, string text, CancellationToken cancellationToken);

    Task EditPlainAsync(string chatId, string messageId, string text, CancellationToken cancellationToken);

    /// <summary>Turns a preview into the final answer: the first part replaces it, the rest follow as new messages.</summary>
    Task ReplaceAsync(string chatId, string messageId, string markdown, CancellationToken cancellationToken);

    /// <summary>Shows "typing…" in the chat for a few seconds.</summary>
    Task TypingAsync(string chatId, CancellationToken cancellationToken);

    /// <summary>Asks for a tool approval with Approve / Deny buttons.</summary>
    Task AskApprovalAsync(string chatId, string approvalId, string text, CancellationToken cancellationToken);
}
