using Microsoft.Extensions.Logging;
using OpenMotoko.Storage;

namespace OpenMotoko.Tests.Storage;

/// <summary>The flusher thread against real files: every commit gets flushed, failures are reported and retried.</summary>
public sealed class DiskFlusherTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("openmotoko-flusher-").FullName;

    private string DatabasePath => Path.Combine(_dir, "openmotoko.db");

    [Fact]
    public async Task Every_commit_is_flushed_and_a_commit_after_stop_starts_the_thread_again()
    {
        File.WriteAllText(DatabasePath + "-wal", "frames");
        var flusher = new DiskFlusher(DatabasePath);

        flusher.Committed();
        flusher.Committed();
        flusher.Committed();
        await WaitForAsync(() => flusher.Progress == (3, 3));

        flusher.Stop();
        flusher.Committed();
        await WaitForAsync(() => flusher.Progress == (4, 4));
        flusher.Stop();
    }

    [Fact]
    public async Task A_failed_flush_is_logged_as_critical_and_the_next_commit_flushes_again()
    {
        Directory.CreateDirectory(DatabasePath + "-wal"); // opening it to flush fails
        var log = new RecordingLogger();
        var flusher = new DiskFlusher(DatabasePath) { Logger = log };

        flusher.Committed();
        await WaitForAsync(() => log.Critical.Count == 1);
        Assert.Equal((1L, 0L), flusher.Progress);
        Assert.Contains("may not survive a power cut", log.Critical[0], StringComparison.Ordinal);

        Directory.Delete(DatabasePath + "-wal");
        File.WriteAllText(DatabasePath + "-wal", "frames");
        flusher.Committed();
        await WaitForAsync(() => flusher.Progress == (2, 2));
        flusher.Stop();
    }

    [Fact]
    public async Task No_wal_file_means_nothing_is_left_to_flush()
    {
        var flusher = new DiskFlusher(DatabasePath); // SQLite removed the WAL after checkpointing it

        flusher.Committed();
        await WaitForAsync(() => flusher.Progress == (1, 1));
        flusher.Stop();
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the flusher thread did not get there");
            await Task.Delay(5);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class RecordingLogger : ILogger
    {
        private readonly List<string> _critical = [];

        public IReadOnlyList<string> Critical
        {
            get
            {
                lock (_critical)
                {
                    return [.. _critical];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Critical)
            {
                lock (_critical)
                {
                    _critical.Add(formatter(state, exception));
                }
            }
        }
    }
}
