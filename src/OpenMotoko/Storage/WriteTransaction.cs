using Microsoft.Data.Sqlite;

namespace OpenMotoko.Storage;

/// <summary>
/// A write transaction from <see cref="Database.BeginWriteAsync"/>: holds the daemon's writer gate
/// (one writer at a time, so writers queue in memory instead of sleeping on SQLITE_BUSY), and on
/// commit also stores the deferred records that are waiting and tells each once it is committed.
/// Disposing without a commit rolls back.
/// </summary>
internal sealed class WriteTransaction : IAsyncDisposable, IDisposable
{
    private readonly WriterConnection _writer;
    private readonly SemaphoreSlim _gate;
    private readonly DeferredWrites _deferred;
    private bool _closed;

    internal WriteTransaction(WriterConnection writer, SemaphoreSlim gate, DeferredWrites deferred)
    {
        _writer = writer;
        _gate = gate;
        _deferred = deferred;
        writer.Begin.ExecuteNonQuery();
    }

    public SqliteConnection Connection => _writer;

    public void Commit()
    {
        var carried = _deferred.TakeAll() is { } waiting ? DeferredWrites.WriteAll(waiting, Connection) : [];
        try
        {
            try
            {
                _writer.Commit.ExecuteNonQuery();
            }
            catch (SqliteException ex)
            {
                carried.ForEach(write => write.Failed(ex));
                throw;
            }
            // Before the next writer may commit, so listeners hear the records in the order they were stored.
            carried.ForEach(static write => write.Committed());
        }
        finally
        {
            Dispose();
        }
        _writer.Flusher.Committed();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Rolls back unless committed and lets the next writer in.</summary>
    public void Dispose()
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        try
        {
            if (_writer.InTransaction) // not committed, or a COMMIT that failed and left it open
            {
                _writer.Rollback.ExecuteNonQuery();
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
