using Microsoft.Extensions.Time.Testing;

namespace OpenMotoko.Tests;

/// <summary>
/// The fake clock, with its waiters in view. To show that nothing happens until the clock moves
/// (a back-off, a retry-after), a test first waits until the daemon is parked on a timer of that
/// length: from then on nothing runs until the test advances the clock, so the check needs no
/// real-time wait.
/// </summary>
internal sealed class TestClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly List<WatchedTimer> _timers = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(this);
        timer.Set(dueTime, period);
        lock (_timers)
        {
            _timers.RemoveAll(t => t.Disposed);
            _timers.Add(timer);
        }
        timer.Inner = base.CreateTimer(callback, state, dueTime, period);
        return timer;
    }

    /// <summary>True when some live timer is due to fire in exactly <paramref name="remaining"/> from now.</summary>
    public bool HasTimerDueIn(TimeSpan remaining)
    {
        var now = GetUtcNow();
        lock (_timers)
        {
            return _timers.Any(t => !t.Disposed && t.NextDue(now) is { } due && due - now == remaining);
        }
    }

    /// <summary>Waits (in real time, for the daemon's threads to get there) until a timer is due in exactly <paramref name="remaining"/>.</summary>
    public async Task WaitForTimerDueInAsync(TimeSpan remaining, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!HasTimerDueIn(remaining))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for a timer due in {remaining}: {what}");
            await Task.Delay(10);
        }
    }

    private sealed class WatchedTimer(TestClock clock) : ITimer
    {
        private DateTimeOffset _firstDue;
        private TimeSpan _period;

        public ITimer Inner { get; set; } = null!;
        public bool Disposed { get; private set; }

        public void Set(TimeSpan dueTime, TimeSpan period)
        {
            _firstDue = dueTime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : clock.GetUtcNow() + dueTime;
            _period = period;
        }

        /// <summary>When it fires next, or null once a one-shot timer has fired or it is stopped.</summary>
        public DateTimeOffset? NextDue(DateTimeOffset now)
        {
            if (_firstDue == DateTimeOffset.MaxValue)
            {
                return null;
            }
            if (_firstDue > now)
            {
                return _firstDue;
            }
            if (_period <= TimeSpan.Zero || _period == Timeout.InfiniteTimeSpan)
            {
                return null;
            }
            var periods = (now - _firstDue).Ticks / _period.Ticks + 1;
            return _firstDue + TimeSpan.FromTicks(_period.Ticks * periods);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Set(dueTime, period);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            Disposed = true;
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return Inner.DisposeAsync();
        }
    }
}
