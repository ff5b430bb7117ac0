using OpenMotoko.Events;

namespace OpenMotoko.Channels;

/// <summary>
/// Where every chat message of every channel arrives. One chat is handled in order, one message at a
/// time (later ones wait in its queue, none is dropped); different chats run concurrently. /stop and
/// /status skip the queue so they work while an answer is running. A sender the access rule refuses
/// gets its refusal and nothing else: no event, no conversation, no model call.
/// </summary>
internal sealed class ChatInbox(ChatAccess access, ChatCommands commands, ChatTurns turns, ChannelStates states, EventBus bus, ILogger<ChatInbox> logger)
{
    private readonly Dictionary<string, Task> _tails = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Queues a message behind the chat's earlier ones; the task ends when it has been answered.</summary>
    public Task Enqueue(IChatTransport transport, ChatInbound inbound, CancellationToken stopping)
    {
        if (ChatCommands.SkipsQueue(inbound.Text))
        {
            return HandleAsync(transport, inbound, stopping);
        }
        var key = transport.Settings.Id + "\n" + inbound.ChatId;
        Task next;
        lock (_gate)
        {
            var previous = _tails.GetValueOrDefault(key) ?? Task.CompletedTask;
            next = AfterAsync(previous, transport, inbound, stopping);
            _tails[key] = next;
        }
        _ = next.ContinueWith(done =>
        {
            lock (_gate)
            {
                if (_tails.TryGetValue(key, out var tail) && tail == done)
                {
                    _tails.Remove(key);
                }
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return next;
    }

    private async Task AfterAsync(Task previous, IChatTransport transport, ChatInbound inbound, CancellationToken stopping)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await HandleAsync(transport, inbound, stopping);
    }

    private async Task HandleAsync(IChatTransport transport, ChatInbound inbound, CancellationToken stopping)
    {
        var settings = transport.Settings;
        try
        {
            if (inbound.IsGroup && !inbound.Addressed && !settings.Telegram.AnswersAllInGroups)
            {
                return; // a group conversation not meant for the bot
            }
            if (!await access.AllowsAsync(settings, inbound.SenderId, stopping))
            {
                ChannelsLog.Refused(logger, settings.Id, settings.DmPolicy);
                await transport.SendPlainAsync(inbound.ChatId, await access.RefusalAsync(settings, inbound, stopping), stopping);
                return;
            }
            states.MessageSeen(settings.Id);
            await bus.PublishAsync(new ChannelMessage(new EventScope(null, null, settings.Id), settings.Id, inbound.ChatId, "in",
                inbound.Text?.Length ?? 0));
            if (inbound.Unsupported is { } kind)
            {
                await turns.ReplyAsync(transport, inbound.ChatId, null,
                    $"Sorry, {kind} are not supported yet. Please send your message as text.", stopping);
            }
            else if (!await commands.TryHandleAsync(transport, inbound, stopping))
            {
                await turns.AnswerAsync(transport, inbound, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // the channel is stopping; the message was not answered
        }
        catch (Exception ex)
        {
            ChannelsLog.HandlingFailed(logger, settings.Id, ex);
        }
    }
}
