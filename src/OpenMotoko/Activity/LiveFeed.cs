using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpenMotoko.Hosting;

namespace OpenMotoko.Activity;

/// <summary>
/// A frame of our own on a live stream: <c>ping</c>, <c>dropped</c> (with the count), and on /ws
/// <c>subscribed</c> (the types now sent) and <c>error</c> (the envelope's fields). Unset fields are left out.
/// </summary>
internal sealed record LiveNotice(
    string Type,
    long? Count = null,
    IReadOnlyList<string>? Types = null,
    string? Error = null,
    string? Code = null,
    IReadOnlyList<ErrorDetail>? Details = null);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LiveNotice))]
internal sealed partial class LiveJsonContext : JsonSerializerContext;

/// <summary>How far a live client may fall behind before its oldest events are dropped.</summary>
internal sealed record LiveFeedLimits(int QueueSize = 256);

/// <summary>
/// The live activity feed behind /api/events and /ws: the activity log hands it each event once
/// the event is stored (with its id, redacted), and it copies it into every connected client's
/// bounded queue. Publishing never waits on a client. Every <see cref="PingInterval"/> each client
/// gets a ping; when the daemon stops, every stream ends, and writes still stuck on a client that
/// stopped reading are abandoned after <see cref="StopGrace"/>.
/// </summary>
internal sealed class LiveFeed : IDisposable
{
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2);

    private readonly ITimer _ping;
    private readonly CancellationTokenSource _abandon;
    private ImmutableArray<LiveClient> _clients = [];
    private int _stopping;

    public LiveFeed(LiveFeedLimits limits, TimeProvider time, IHostApplicationLifetime lifetime)
    {
        QueueSize = Math.Max(1, limits.QueueSize);
        _ping = time.CreateTimer(static feed => ((LiveFeed)feed!).Ping(), this, PingInterval, PingInterval);
        _abandon = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        lifetime.ApplicationStopping.Register(Stop);
    }

    public int QueueSize { get; }

    /// <summary>False on almost every event of a daemon nobody watches: the publisher checks it before building anything.</summary>
    public bool HasListeners => !_clients.IsEmpty;

    /// <summary>Cancelled a little after the daemon starts stopping, for writes to clients that stopped reading.</summary>
    public CancellationToken Abandoned => _abandon.Token;

    public LiveClient Connect(LiveEventFilter filter)
    {
        var client = new LiveClient(this, filter, QueueSize);
        ImmutableInterlocked.Update(ref _clients, static (list, added) => list.Add(added), client);
        if (Volatile.Read(ref _stopping) == 1)
        {
            client.Complete(); // connected while the daemon stops: the stream ends at once
        }
        return client;
    }

    internal void Remove(LiveClient client) => ImmutableInterlocked.Update(ref _clients, static (list, removed) => list.Remove(removed), client);

    /// <summary>Hands a stored event to every client; serialized once, the same JSON as an item of GET /api/activity.</summary>
    public void Publish(ActivityItem item)
    {
        var clients = _clients;
        if (clients.IsEmpty)
        {
            return;
        }
        var live = new LiveItem(item.Type, JsonSerializer.SerializeToUtf8Bytes(item, ActivityJsonContext.Default.ActivityItem));
        foreach (var client in clients)
        {
            client.Offer(live);
        }
    }

    private void Ping()
    {
        foreach (var client in _clients)
        {
            client.Ping();
        }
    }

    private void Stop()
    {
        Interlocked.Exchange(ref _stopping, 1); // a fence: a client connecting now sees it, or is in the list below
        foreach (var client in _clients)
        {
            client.Complete();
        }
        _abandon.CancelAfter(StopGrace);
    }

    public void Dispose()
    {
        _ping.Dispose();
        _abandon.Dispose();
    }
}
