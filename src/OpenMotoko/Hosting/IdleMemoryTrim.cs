namespace OpenMotoko.Hosting;

/// <summary>
/// Gives the garbage collector's spare memory back to the system once the daemon goes quiet. Start-up
/// and every burst of work (a long agent run, a backlog of channel messages) leave the heap's
/// regions committed with garbage the next gen-0 collection would only reuse; a daemon that then
/// idles for hours on a Pi holds that memory for nothing. Every <see cref="Period"/> it reads how
/// much was allocated: after a quiet period that follows at least <see cref="WorthBytes"/> of work,
/// it runs one compacting collection that decommits what it frees. While busy it does nothing.
/// Only the process's owner (`serve`) runs it; the collector is process-wide.
/// </summary>
internal sealed partial class IdleMemoryTrim(TimeProvider time, ILogger<IdleMemoryTrim> logger, Func<long> allocatedBytes, Action collect)
    : IHostedService, IDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    /// <summary>Allocated in one period by a daemon doing nothing (Kestrel's heartbeat, timers, the settings watcher).</summary>
    public const long QuietBytes = 256 * 1024;

    /// <summary>Allocated since the last trim before a collection pays for itself.</summary>
    public const long WorthBytes = 1024 * 1024;

    private readonly Lock _gate = new();
    private ITimer? _timer;
    private long _lastSeen;
    private long _lastTrim;

    public IdleMemoryTrim(TimeProvider time, ILogger<IdleMemoryTrim> logger)
        : this(time, logger, static () => GC.GetTotalAllocatedBytes(precise: false),
            static () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true))
    {
    }

    /// <summary>How many times it has trimmed.</summary>
    public int Trims { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _lastSeen = allocatedBytes(); // _lastTrim stays 0: start-up's own allocations count as work
        _timer = time.CreateTimer(static state => ((IdleMemoryTrim)state!).Check(), this, Period, Period);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private void Check()
    {
        lock (_gate)
        {
            var now = allocatedBytes();
            var quiet = now - _lastSeen < QuietBytes;
            _lastSeen = now;
            if (!quiet || now - _lastTrim < WorthBytes)
            {
                return;
            }
            var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
            var started = time.GetTimestamp();
            collect();
            Trims++;
            Log.Trimmed(logger, before / 1024, GC.GetGCMemoryInfo().TotalCommittedBytes / 1024, time.GetElapsedTime(started).TotalMilliseconds);
            _lastSeen = _lastTrim = allocatedBytes(); // the collection's own allocations are not new work
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1660, EventName = "IdleTrim", Level = LogLevel.Debug, Message = "Quiet: compacted the heap in {Milliseconds:F1} ms, {BeforeKb} KB committed before, {AfterKb} KB after")]
        public static partial void Trimmed(ILogger logger, long beforeKb, long afterKb, double milliseconds);
    }
}
