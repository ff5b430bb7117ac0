using System.Collections.Concurrent;

namespace OpenMotoko.Hosting;

/// <summary>
/// Fixed one-minute windows per client key, on the injected clock. Small and lock-light: one
/// dictionary entry per active client, swept when the table grows.
/// </summary>
internal sealed class RequestRateLimiter(TimeProvider time)
{
    private const long WindowMs = 60_000;
    private const int SweepAbove = 10_000;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Counts one request for <paramref name="key"/>; false (with the wait) when over <paramref name="perMinute"/>. 0 means unlimited.</summary>
    public bool TryAcquire(string key, int perMinute, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (perMinute <= 0)
        {
            return true;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - now % WindowMs;
        if (_windows.Count > SweepAbove)
        {
            Sweep(start);
        }
        var window = _windows.GetOrAdd(key, static (_, s) => new Window(s), start);
        lock (window)
        {
            if (window.Start != start)
            {
                window.Start = start;
                window.Count = 0;
            }
            if (window.Count >= perMinute)
            {
                retryAfter = TimeSpan.FromMilliseconds(start + WindowMs - now);
                return false;
            }
            window.Count++;
            return true;
        }
    }

    private void Sweep(long currentStart)
    {
        foreach (var entry in _windows)
        {
            if (entry.Value.Start < currentStart)
            {
                _windows.TryRemove(entry);
            }
        }
    }

    private sealed class Window(long start)
    {
        public long Start = start;
        public int Count;
    }
}
