using OpenMotoko.Approvals;

namespace OpenMotoko.Channels.Plugins;

/// <summary>
/// A plugin as the chat framework sees it: sends, edits and typing become lines to the child (sends
/// wait for its ack); its <c>inbound</c> lines go to the <see cref="ChatInbox"/> like any channel's
/// messages, and its <c>callback</c> lines (button presses) resolve approvals through the broker.
/// </summary>
internal sealed class PluginChannel(ChannelSettings settings, ChatInbox inbox, ChatAccess access, ApprovalBroker approvals) : IChatTransport
{
    public const string Type = "plugin";
    private const string ApprovalPrefix = "apr:";
    private const int MaxId = 256;
    private const int MaxText = 100_000;

    public ChannelSettings Settings => settings;

    /// <summary>The running child, or null between a crash and its restart.</summary>
    public PluginProcess? Process { get; set; }

    public async Task<string> SendAsync(string chatId, string markdown, CancellationToken cancellationToken) =>
        await Running.RequestAsync(id => new PluginSendLine(id, chatId, markdown, "markdown"), cancellationToken) ?? "";

    public async Task<string> SendPlainAsync(string chatId, string text, CancellationToken cancellationToken) =>
        await Running.RequestAsync(id => new PluginSendLine(id, chatId, text, "plain"), cancellationToken) ?? "";

    public Task EditPlainAsync(string chatId, string messageId, string text, CancellationToken cancellationToken) =>
        Running.RequestAsync(id => new PluginEditLine(id, chatId, messageId, text, "plain"), cancellationToken);

    public Task ReplaceAsync(string chatId, string messageId, string markdown, CancellationToken cancellationToken) =>
        Running.RequestAsync(id => new PluginEditLine(id, chatId, messageId, markdown, "markdown"), cancellationToken);

    public Task TypingAsync(string chatId, CancellationToken cancellationToken) =>
        Running.WriteAsync(new PluginTypingLine(chatId), cancellationToken);

    public Task AskApprovalAsync(string chatId, string approvalId, string text, CancellationToken cancellationToken) =>
        Running.RequestAsync(id => new PluginSendLine(id, chatId, text, "plain",
            [new PluginButton("✅ Approve", ApprovalPrefix + approvalId + ":y"), new PluginButton("❌ Deny", ApprovalPrefix + approvalId + ":n")]), cancellationToken);

    private PluginProcess Running => Process ?? throw new PluginSendException($"plugin '{settings.Id}' is not running");

    /// <summary>Hands an <c>inbound</c> line to the framework; returns why it was ignored, or null.</summary>
    public string? Receive(PluginLine line, CancellationToken stopping)
    {
        if (Invalid(line) is { } problem)
        {
            return problem;
        }
        var isGroup = line.IsGroup == true;
        _ = inbox.Enqueue(this, new ChatInbound(line.ChatId!, line.SenderId!, Cut(line.SenderName, MaxId), line.Text, isGroup,
            !isGroup || line.Mentioned == true), stopping);
        return null;
    }

    /// <summary>A button press: an approval is decided only for a sender the channel answers; the answer goes back to the chat.</summary>
    public async Task<string?> PressAsync(PluginLine line, CancellationToken stopping)
    {
        var data = line.Data ?? "";
        if (line.ChatId is not { Length: > 0 and <= MaxId } || line.SenderId is not { Length: > 0 and <= MaxId }
            || !data.StartsWith(ApprovalPrefix, StringComparison.Ordinal) || data.Length < ApprovalPrefix.Length + 3)
        {
            return "a callback needs chatId, senderId and the data of a button the daemon sent";
        }
        string answer;
        if (!await access.AllowsAsync(settings, line.SenderId, stopping))
        {
            answer = "Only the people this channel answers can decide.";
        }
        else
        {
            var approve = data.EndsWith(":y", StringComparison.Ordinal);
            answer = approvals.Decide(data[ApprovalPrefix.Length..^2], approve) switch
            {
                ApprovalDecision.Decided => approve ? "Approved ✅" : "Denied ❌",
                ApprovalDecision.AlreadyDecided => "Already decided.",
                _ => "This approval expired or its run ended.",
            };
        }
        await SendPlainAsync(line.ChatId, answer, stopping);
        return null;
    }

    private static string? Invalid(PluginLine line) =>
        line.ChatId is not { Length: > 0 and <= MaxId } ? $"inbound needs a chatId (a string of 1-{MaxId} characters)"
        : line.SenderId is not { Length: > 0 and <= MaxId } ? $"inbound needs a senderId (a string of 1-{MaxId} characters)"
        : line.Text is not { Length: > 0 and <= MaxText } ? $"inbound needs a text of 1-{MaxText} characters"
        : null;

    private static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
