using OpenMotoko.Hosting;

namespace OpenMotoko.Channels;

/// <summary>
/// Sends a text to a chat of a running channel, for sources that answer somewhere else than where
/// they started (the scheduler's or a webhook's <c>deliverTo</c>). Formatting and splitting are the channel's.
/// </summary>
internal sealed class ChannelDelivery(ChannelSupervisor supervisor, ChatTurns turns)
{
    /// <summary>Sends <paramref name="text"/> (Markdown) to <paramref name="chatId"/>; 409 when the channel is not running.</summary>
    public async Task SendAsync(string channelId, string chatId, string text, CancellationToken cancellationToken)
    {
        var transport = supervisor.Transport(channelId)
            ?? throw new ApiException(StatusCodes.Status409Conflict, ErrorCodes.Conflict, $"Channel '{channelId}' is not running, so nothing can be delivered to it.");
        await turns.ReplyAsync(transport, chatId, null, text, cancellationToken);
    }

    /// <summary>Sends <paramref name="text"/> to <paramref name="target"/>; returns why it could not be delivered, or null once sent.</summary>
    public async Task<string?> TryDeliverAsync(DeliveryTarget target, string text, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(target.Channel, target.ChatId, text.Length > 0 ? text : "(the agent gave no answer)", cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is ApiException or HttpRequestException or IOException or Telegram.TelegramApiException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return $"the answer could not be delivered to {target.Channel} chat {target.ChatId}: {ex.Message}";
        }
    }
}
