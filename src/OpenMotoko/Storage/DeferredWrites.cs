using Microsoft.Data.Sqlite;

namespace OpenMotoko.Storage;

/// <summary>
/// A record written beside the main work (an activity row, a usage row) that does not need a commit
/// of its own: it is written inside the next write transaction, or by a flush within
/// <see cref="DeferredWrites.FlushDelay"/>.
/// </summary>
internal interface IDeferredWrite
{
    /// <summary>Inserts the record; runs on the writer's connection inside its transaction.</summary>
    void Write(SqliteConnection connection);

    /// <summary>
    /// The transaction that carried the record committed (the activity feed tells live listeners
    /// then). Runs on the writer while it still holds the writer gate, so keep it short; must not throw.
    /// </summary>
    void Committed()
    {
    }

    /// <summary>The record could not be stored and is dropped; the owner reports it.</summary>
    void Failed(Exception exception);
}

/// <summary>
/// The records waiting for a write transaction. A turn of a conversation reports several (received,
/// LLM call, cost, sent); they reach the disk with the turn's message commit, in one flush, instead
/// of one commit each. A timer on the injected clock flushes records that no write follows.
/// </summary>
internal sealed class DeferredWrites
{
    /// <summary>The longest a record waits in memory when no write transaction comes along.</summary>
    public static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(50);

    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private List<IDeferredWrite> _pending = [];
    private bool _armed;

    public DeferredWrites(TimeProvider time, Action flush)
    {
        _timer = time.CreateTimer(_ => flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count == 0;
            }
        }
    }

    public void Add(IDeferredWrite write)
    {
        lock (_lock)
        {
            _pending.Add(write);
            if (!_armed)
            {
                _armed = true;
                _timer.Change(FlushDelay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Takes every waiting record, in the order they were added.</summary>
    public List<IDeferredWrite>? TakeAll()
    {
        lock (_lock)
        {
            _armed = false;
            if (_pending.Count == 0)
            {
                return null;
            }
            var taken = _pending;
            _pending = [];
            return taken;
        }
    }

    /// <summary>
    /// Writes the records inside the writer's open transaction. A record whose insert fails is
    /// dropped alone (SQLite rolls back the failed statement, not the transaction), so it never
    /// fails the write that carries it.
    /// </summary>
    public static List<IDeferredWrite> WriteAll(List<IDeferredWrite> writes, SqliteConnection connection)
    {
        var written = new List<IDeferredWrite>(writes.Count);
        foreach (var write in writes)
        {
            try
            {
                write.Write(connection);
                written.Add(write);
            }
            catch (SqliteException ex)
            {
                write.Failed(ex);
            }
        }
        return written;
    }
}
