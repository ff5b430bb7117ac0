using Dapper;
using Microsoft.Data.Sqlite;

namespace OpenMotoko.Storage;

/// <summary>
/// Notices commits made through any other connection — another process such as `openmotoko config set`
/// or `passwd`, or the daemon's own pool — with SQLite's <c>PRAGMA data_version</c> on one kept
/// connection (a shared-memory read, no table). <see cref="Version"/> answers at once for callers that
/// must see a change on their very next step (sessions); a timer on the injected clock polls every
/// <see cref="Interval"/> and raises <see cref="Changed"/> for those that only need to hear of it soon.
/// </summary>
internal sealed class DataVersionWatcher(Database database, TimeProvider time, ILogger<DataVersionWatcher> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private readonly Lock _lock = new();
    private SqliteConnection? _connection;
    private ITimer? _timer;
    private long _notified = -1;
    private volatile bool _stopped;

    /// <summary>Raised on the timer's thread after a poll saw a commit since the previous poll.</summary>
    public event Action? Changed;

    /// <summary>The database's current data version; it differs from an earlier answer when someone committed since.</summary>
    public long Version()
    {
        lock (_lock)
        {
            _connection ??= database.Open(); // reopened if a late request comes after Dispose; Dispose closes it again
            return _connection.ExecuteScalar<long>("PRAGMA data_version");
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _notified = Version();
        // One-shot, re-armed after each poll: polls never overlap, and a test clock advanced by a day polls once, not 172 800 times.
        _timer = time.CreateTimer(_ => Poll(), null, Interval, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    private void Poll()
    {
        if (_stopped)
        {
            return;
        }
        try
        {
            var version = Version();
            if (version != _notified)
            {
                _notified = version;
                Changed?.Invoke();
            }
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
        {
            StorageLog.WatchFailed(logger, ex);
        }
        try
        {
            _timer?.Change(Interval, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // stopped meanwhile
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _stopped = true;
        _timer?.Dispose();
        lock (_lock)
        {
            _connection?.Dispose();
            _connection = null;
        }
    }
}
