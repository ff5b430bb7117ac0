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
    private readonly bool _flush;
    private bool _closed;

    internal WriteTransaction(SqliteConnection connection, SemaphoreSlim gate, DeferredWrites deferred, bool flushOnCommit)
    {
        Connection = connection;
        _gate = gate;
        _deferred = deferred;
        _flush = flushOnCommit;
        if (!_flush)
        {
            Pragma("PRAGMA synchronous=NORMAL;"); // SQLite takes it only outside a transaction
        }
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

    private void Pragma(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
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
            Transaction.Dispose();
            if (!_flush)
            {
                Pragma("PRAGMA synchronous=FULL;"); // the writer connection keeps it: put the default back
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
