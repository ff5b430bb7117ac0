namespace OpenMotoko.Activity;

/// <summary>One frame of a live stream: the event's type (the SSE event name) and its JSON, serialized once for every client.</summary>
internal sealed record LiveItem(string Type, byte[] Json)
{
    public static readonly LiveItem Ping = Notice(new LiveNotice("ping"));

    public static LiveItem Notice(LiveNotice notice) =>
        new(notice.Type, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(notice, LiveJsonContext.Default.LiveNotice));
}

/// <summary>
/// One connected client's queue (an /api/events or /ws stream). The publisher only ever adds and
/// never waits: when the client falls <see cref="LiveFeed.QueueSize"/> items behind, the oldest is
/// dropped and counted, and the reader gets a <c>dropped</c> notice with the count before the items
/// that follow the gap. Replies to the client's own messages (errors, acknowledgements) and the
/// periodic ping ride beside the items.
/// </summary>
internal sealed class LiveClient : IDisposable
{
    private const int MaxReplies = 16;

    private readonly LiveFeed _feed;
    private readonly int _capacity;
    private readonly Lock _lock = new();
    private readonly Queue<LiveItem> _items = new();
    private readonly Queue<LiveItem> _replies = new();
    private LiveEventFilter _filter;
    private long _dropped;
    private bool _pingDue;
    private bool _completed;
    private TaskCompletionSource? _waiter;

    internal LiveClient(LiveFeed feed, LiveEventFilter filter, int capacity)
    {
        _feed = feed;
        _filter = filter;
        _capacity = capacity;
    }

    /// <summary>The types this client receives; a /ws client replaces it by subscribing.</summary>
    public LiveEventFilter Filter
    {
        get => Volatile.Read(ref _filter);
        set => Volatile.Write(ref _filter, value);
    }

    /// <summary>Queues a stored event if the client wants it. Called on the writer's thread: never blocks.</summary>
    internal void Offer(LiveItem item)
    {
        if (!Filter.Matches(item.Type))
        {
            return;
        }
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }
            if (_items.Count >= _capacity)
            {
                _items.Dequeue();
                _dropped++;
            }
            _items.Enqueue(item);
            waiter = TakeWaiter();
        }
        waiter?.TrySetResult();
    }

    /// <summary>Queues an answer to the client's own message; a client that floods us loses the oldest answers.</summary>
    public void Reply(LiveItem item)
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            if (_replies.Count >= MaxReplies)
            {
                _replies.Dequeue();
            }
            _replies.Enqueue(item);
            waiter = TakeWaiter();
        }
        waiter?.TrySetResult();
    }

    internal void Ping()
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            _pingDue = true;
            waiter = TakeWaiter();
        }
        waiter?.TrySetResult();
    }

    /// <summary>Ends the stream: the reader gets null next (the daemon stops, or the client left).</summary>
    public void Complete()
    {
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            _completed = true;
            waiter = TakeWaiter();
        }
        waiter?.TrySetResult();
    }

    /// <summary>The next frame to send, waiting for one; null once the stream has ended.</summary>
    public async ValueTask<LiveItem?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_completed)
                {
                    return null;
                }
                if (_replies.TryDequeue(out var reply))
                {
                    return reply;
                }
                if (_dropped > 0)
                {
                    var count = _dropped;
                    _dropped = 0;
                    return LiveItem.Notice(new LiveNotice("dropped", Count: count));
                }
                if (_items.TryDequeue(out var item))
                {
                    return item;
                }
                if (_pingDue)
                {
                    _pingDue = false;
                    return LiveItem.Ping;
                }
                // Continuations run on the pool, never on the publisher's thread that wakes them.
                wait = (_waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            await wait.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The reader's wake-up, if it waits; taken under the lock and set outside it.</summary>
    private TaskCompletionSource? TakeWaiter()
    {
        var waiter = _waiter;
        _waiter = null;
        return waiter;
    }

    public void Dispose()
    {
        Complete();
        _feed.Remove(this);
    }
}
