using OpenMotoko.Agent;
using OpenMotoko.Events;
using OpenMotoko.Hosting;

namespace OpenMotoko.Channels;

/// <summary>
/// Answers a chat message with a turn: the chat's conversation (created on first contact), the same
/// agent run as the HTTP API, "typing…" while it works, the answer growing in one edited message
/// (at most one edit a second) and approvals asked with buttons. What is sent is what the run stored.
/// </summary>
internal sealed class ChatTurns(TurnService turns, EventBus bus, TimeProvider time)
{
    public static readonly TimeSpan TypingEvery = TimeSpan.FromSeconds(4);

    public async Task AnswerAsync(IChatTransport transport, ChatInbound inbound, CancellationToken stopping)
    {
        var channel = transport.Settings.Id;
        AgentRun run;
        try
        {
            run = await turns.StartAsync(new InboundMessage(channel, inbound.Text, Chat: new ChatAddress(channel, inbound.ChatId)), stopping);
        }
        catch (ApiException ex)
        {
            await ReplyAsync(transport, inbound.ChatId, null, "⚠️ " + ex.Message, stopping);
            return;
        }
        var preview = new ReplyPreview(transport, inbound.ChatId, time, transport.Settings.Telegram.Streaming);
        using (var typing = new CancellationTokenSource())
        {
            var typingLoop = TypingAsync(transport, inbound.ChatId, typing.Token);
            await foreach (var e in run.Events.ReadAllAsync(CancellationToken.None))
            {
                try
                {
                    await ShowAsync(transport, inbound.ChatId, preview, e, stopping);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or Telegram.TelegramApiException)
                {
                    // a preview or prompt that did not arrive; the final answer is still sent
                }
            }
            await typing.CancelAsync();
            await typingLoop;
        }
        var outcome = await run.Completion;
        var text = outcome.Failure is { } failure ? "⚠️ " + failure.Message
            : outcome.Message?.Content is { Length: > 0 } content ? content : "(The model answered with nothing.)";
        await ReplyAsync(transport, inbound.ChatId, run.ConversationId, text, stopping, preview.MessageId);
    }

    private static async Task ShowAsync(IChatTransport transport, string chatId, ReplyPreview preview, AgentEvent e, CancellationToken stopping)
    {
        switch (e)
        {
            case MessageDelta delta:
                await preview.AppendAsync(delta.Text, stopping);
                break;
            case ToolCalled:
                preview.NextCall();
                break;
            case ApprovalRequested approval:
                await transport.AskApprovalAsync(chatId, approval.ApprovalId, $"The agent wants to run {approval.Tool}:\n\n{approval.Display}", stopping);
                break;
        }
    }

    /// <summary>Sends a reply (replacing the preview when there is one) and announces it as <c>channel:message</c> out.</summary>
    public async Task ReplyAsync(IChatTransport transport, string chatId, string? conversationId, string text, CancellationToken cancellationToken,
        string? previewId = null)
    {
        if (previewId is null)
        {
            await transport.SendAsync(chatId, text, cancellationToken);
        }
        else
        {
            await transport.ReplaceAsync(chatId, previewId, text, cancellationToken);
        }
        var channel = transport.Settings.Id;
        await bus.PublishAsync(new ChannelMessage(new EventScope(null, conversationId, channel), channel, chatId, "out", text.Length));
    }

    private async Task TypingAsync(IChatTransport transport, string chatId, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TypingEvery, time);
        try
        {
            do
            {
                try
                {
                    await transport.TypingAsync(chatId, cancellationToken);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or Telegram.TelegramApiException)
                {
                    // a lost typing indicator is not worth a retry
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // the answer is ready
        }
    }
}

/// <summary>The answer as it streams: one plain-text message, edited at most once a second on the injected clock.</summary>
internal sealed class ReplyPreview(IChatTransport transport, string chatId, TimeProvider time, bool enabled)
{
    public static readonly TimeSpan EditEvery = TimeSpan.FromSeconds(1);
    private const int MaxPreview = 4000;

    private readonly System.Text.StringBuilder _text = new();
    private DateTimeOffset _lastEdit;
    private string? _shown;

    public string? MessageId { get; private set; }

    /// <summary>The model called a tool: the text of its next call replaces this one's.</summary>
    public void NextCall() => _text.Clear();

    public async Task AppendAsync(string delta, CancellationToken cancellationToken)
    {
        _text.Append(delta);
        var now = time.GetUtcNow();
        if (!enabled || (MessageId is not null && now - _lastEdit < EditEvery))
        {
            return;
        }
        var text = _text.Length <= MaxPreview ? _text.ToString() : string.Concat(_text.ToString(0, MaxPreview), "…");
        if (text.Trim().Length == 0 || text == _shown)
        {
            return;
        }
        _lastEdit = now;
        _shown = text;
        if (MessageId is null)
        {
            MessageId = await transport.SendPlainAsync(chatId, text, cancellationToken);
        }
        else
        {
            await transport.EditPlainAsync(chatId, MessageId, text, cancellationToken);
        }
    }
}
