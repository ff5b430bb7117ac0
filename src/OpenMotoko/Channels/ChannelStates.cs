using System.Collections.Concurrent;
using OpenMotoko.Events;

namespace OpenMotoko.Channels;

/// <summary>What a running channel is doing now (kept in memory): its status, last error and last message time.</summary>
internal sealed record ChannelState(string Status, string? LastError, long? LastMessageAt);

/// <summary>The live status of every channel; each change is published once as <c>channel:status</c>.</summary>
internal sealed class ChannelStates(EventBus bus, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ChannelState> _states = new(StringComparer.Ordinal);

    public ChannelState Of(string channelId) => _states.GetValueOrDefault(channelId) ?? new ChannelState(ChannelStatus.Stopped, null, null);

    public async ValueTask SetAsync(string channelId, string status, string? error = null)
    {
        var before = Of(channelId);
        var after = before with { Status = status, LastError = error ?? (status == ChannelStatus.Error ? before.LastError : null) };
        _states[channelId] = after;
        if (before.Status != after.Status || before.LastError != after.LastError)
        {
            await bus.PublishAsync(new ChannelStatusChanged(new EventScope(null, null, channelId), channelId, after.Status, after.LastError));
        }
    }

    public void MessageSeen(string channelId) =>
        _states.AddOrUpdate(channelId, static (_, now) => new ChannelState(ChannelStatus.Running, null, now),
            static (_, state, now) => state with { LastMessageAt = now }, time.GetUtcNow().ToUnixTimeMilliseconds());
}
