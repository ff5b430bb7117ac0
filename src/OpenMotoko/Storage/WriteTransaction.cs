using Microsoft.Data.Sqlite;

namespace OpenMotoko.Storage;

/// <summary>
/// A write transaction from <see cref="Database.BeginWriteAsync"/>: holds the daemon's writer gate
/// (one writer at a time, so writers queue in memory instead of sleeping on SQLITE_BUSY), and on
/// commit also stores the deferred records that are waiting. Disposing without a commit rolls back.
/// </summary>
internal sealed class WriteTransaction : IAsyncDisposable, IDisposable
{
    private readonly SemaphoreSlim _gate;
    private readonly DeferredWrites _deferred;
    private bool _closed;

    internal WriteTransaction(SqliteConnection connection, SemaphoreSlim gate, DeferredWrites deferred)
    {
        Connection = connection;
        _gate = gate;
        _deferred = deferred;
        Transaction = connection.BeginTransaction();
    }

    public SqliteConnection Connection { get; }

    public SqliteTransaction Transaction { get; }

    public void Commit()
    {
        var carried = _deferred.TakeAll() is { } waiting ? DeferredWrites.WriteAll(waiting, Connection, Transaction) : [];
        try
        {
            Transaction.Commit();
        }
        catch (SqliteException ex)
        {
            carried.ForEach(write => write.Failed(ex));
            throw;
        }
        finally
        {
            Dispose();
        }
        carried.ForEach(static write => write.Committed());
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Rolls back unless committed, returns the connection to the pool and lets the next writer in.</summary>
    public void Dispose()
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        try
        {
            Transaction.Dispose();
            Connection.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }
}
