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
}
