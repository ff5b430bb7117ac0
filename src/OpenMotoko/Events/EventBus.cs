using System.Collections.Immutable;

namespace OpenMotoko.Events;

/// <summary>Hears every event published on the bus. Runs inline on the publisher's thread: keep it short and never block.</summary>
internal interface IEventSubscriber
{
    ValueTask OnEventAsync(AgentEvent e);
}

/// <summary>
/// The one in-process event stream. Every feature publishes what happened once; the activity log,
/// cost accounting, a run's SSE stream (and later /ws, channel replies) subscribe. Subscribers
/// registered in DI are resolved on first use (some of them publish too); live listeners come and go
/// with <see cref="Subscribe"/>. Events reach subscribers in the order they were published, and
/// one published from inside a subscriber after the event it handles. A failing subscriber is logged
/// and never fails the publisher.
/// </summary>
internal sealed partial class EventBus(IServiceProvider services, ILogger<EventBus> logger)
{
    private readonly Lazy<IEventSubscriber[]> _registered = new(() => [.. services.GetServices<IEventSubscriber>()]);
    private readonly AsyncLocal<Delivery?> _delivering = new();
    private ImmutableArray<IEventSubscriber> _live = [];

    public async ValueTask PublishAsync(AgentEvent e)
    {
        if (_delivering.Value is { } current)
        {
            lock (current)
            {
                if (current.Open)
                {
                    // Published by a subscriber while it handles another event: delivered right after that
                    // one, so every subscriber hears a cause (llm:complete) before its effects (cost:updated).
                    current.Pending.Enqueue(e);
                    return;
                }
            }
            // Work a subscriber started in the background outlived that delivery: deliver on its own.
        }
        var delivery = new Delivery();
        _delivering.Value = delivery;
        try
        {
            var next = e;
            while (true)
            {
                await DeliverAsync(next);
                lock (delivery)
                {
                    if (!delivery.Pending.TryDequeue(out next!))
                    {
                        delivery.Open = false;
                        break;
                    }
                }
            }
        }
        finally
        {
            lock (delivery)
            {
                delivery.Open = false;
            }
            _delivering.Value = null;
        }
    }

    /// <summary>One delivery in progress, and what its subscribers published meanwhile.</summary>
    private sealed class Delivery
    {
        public Queue<AgentEvent> Pending { get; } = new();
        public bool Open { get; set; } = true;
    }

    private async ValueTask DeliverAsync(AgentEvent e)
    {
        foreach (var subscriber in _registered.Value)
        {
            await DeliverAsync(subscriber, e);
        }
        foreach (var subscriber in _live)
        {
            await DeliverAsync(subscriber, e);
        }
    }

    /// <summary>Adds a listener until the returned handle is disposed.</summary>
    public IDisposable Subscribe(IEventSubscriber subscriber)
    {
        ImmutableInterlocked.Update(ref _live, static (list, added) => list.Add(added), subscriber);
        return new Subscription(this, subscriber);
    }

    private async ValueTask DeliverAsync(IEventSubscriber subscriber, AgentEvent e)
    {
        try
        {
            await subscriber.OnEventAsync(e);
        }
        catch (Exception ex)
        {
            Log.SubscriberFailed(logger, e.Type, ex);
        }
    }

    private sealed class Subscription(EventBus bus, IEventSubscriber subscriber) : IDisposable
    {
        public void Dispose() => ImmutableInterlocked.Update(ref bus._live, static (list, removed) => list.Remove(removed), subscriber);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1100, EventName = "EventSubscriberFailed", Level = LogLevel.Error, Message = "A subscriber failed on event {Type}")]
        public static partial void SubscriberFailed(ILogger logger, string type, Exception exception);
    }
}
