using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpenMotoko.Hosting;
using OpenMotoko.Tests.Storage;

namespace OpenMotoko.Tests.Hosting;

/// <summary>
/// The quiet-time trim on a fake clock. The allocation counter and the collection are the runtime's
/// (process-wide, so other tests would move them): here they are a counter the test drives.
/// </summary>
public sealed class IdleMemoryTrimTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly IdleMemoryTrim _trim;
    private long _allocated;
    private int _collections;

    public IdleMemoryTrimTests() =>
        _trim = new IdleMemoryTrim(_time, NullLogger<IdleMemoryTrim>.Instance, () => _allocated, () => _collections++);

    public async ValueTask DisposeAsync() => await _trim.StopAsync(CancellationToken.None);

    private void Period(long allocated)
    {
        _allocated += allocated;
        _time.Advance(IdleMemoryTrim.Period);
    }

    [Fact]
    public async Task Start_up_garbage_is_trimmed_in_the_first_quiet_period_and_only_once()
    {
        _allocated = 8 * 1024 * 1024; // what start-up allocated before the hosted services started
        await _trim.StartAsync(CancellationToken.None);

        Period(1024 * 1024); // the rest of start-up: busy
        Assert.Equal(0, _collections);
        Period(8 * 1024); // Kestrel's heartbeat and timers only
        Assert.Equal(1, _collections);
        for (var i = 0; i < 10; i++)
        {
            Period(8 * 1024);
        }
        Assert.Equal(1, _trim.Trims); // idle for good: nothing new to hand back
    }

    [Fact]
    public async Task A_busy_daemon_is_never_interrupted_and_is_trimmed_when_the_burst_ends()
    {
        await _trim.StartAsync(CancellationToken.None);
        for (var i = 0; i < 20; i++)
        {
            Period(IdleMemoryTrim.QuietBytes); // at the threshold counts as busy
        }
        Assert.Equal(0, _collections);

        Period(IdleMemoryTrim.QuietBytes - 1);
        Assert.Equal(1, _collections);
    }

    [Fact]
    public async Task A_small_burst_after_a_trim_is_not_worth_a_collection()
    {
        await _trim.StartAsync(CancellationToken.None);
        Period(IdleMemoryTrim.WorthBytes);
        Period(0);
        Assert.Equal(1, _collections);

        Period(IdleMemoryTrim.WorthBytes / 2); // one small request
        Period(0);
        Assert.Equal(1, _collections);

        Period(IdleMemoryTrim.WorthBytes / 2); // together with the first, worth it
        Period(0);
        Assert.Equal(2, _collections);
    }

    [Fact]
    public async Task Nothing_runs_after_stop()
    {
        await _trim.StartAsync(CancellationToken.None);
        Period(IdleMemoryTrim.WorthBytes);
        await _trim.StopAsync(CancellationToken.None);

        Period(0);
        Period(0);
        Assert.Equal(0, _collections);
    }

    [Fact]
    public async Task Serve_trims_the_start_ups_garbage_once_it_is_quiet()
    {
        var dataDir = Directory.CreateTempSubdirectory("openmotoko-trim-").FullName;
        try
        {
            await using var daemon = await DaemonProcess.StartAsync(dataDir, new Dictionary<string, string>
            {
                ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
                ["OPENMOTOKO_LOG_LEVEL"] = "Debug",
            });
            var deadline = DateTime.UtcNow.AddSeconds(60); // two quiet periods of the real clock, on a loaded CI machine
            while (!daemon.Output.Contains("Quiet: compacted the heap", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            Assert.Contains("Quiet: compacted the heap", daemon.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
