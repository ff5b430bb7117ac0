using Microsoft.Data.Sqlite;

namespace OpenMotoko.Storage;

/// <summary>
/// A write transaction from <see cref="Database.BeginWriteAsync"/>: holds the daemon's writer gate
/// (one writer at a time, so writers queue in memory instead of sleeping on SQLITE_BUSY), and on
/// commit also stores the deferred records that are waiting. Disposing without a commit rolls back.
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

    public SqliteConnection Connection => _writer.Connection;

    public void Commit()
    {
        var carried = _deferred.TakeAll() is { } waiting ? DeferredWrites.WriteAll(waiting, Connection) : [];
        try
        {
            _writer.Commit.ExecuteNonQuery();
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
        _writer.Flusher.Committed();
        carried.ForEach(static write => write.Committed());
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

/// <summary>
/// The connection every write transaction uses, one at a time (SQLite has one writer anyway): its
/// page cache stays warm, no pool round trip is paid per write, and every statement run on it is
/// prepared once (<see cref="PreparedCommandFactory{T}"/>). It commits with synchronous=NORMAL, into the WAL without waiting for the disk, and
/// its <see cref="DiskFlusher"/> flushes the WAL right behind the commits.
/// </summary>
internal sealed class WriterConnection : IDisposable
{
    public WriterConnection(SqliteConnection connection, DiskFlusher flusher)
    {
        Connection = connection;
        Flusher = flusher;
        using (var normal = Command("PRAGMA synchronous=NORMAL"))
        {
            normal.ExecuteNonQuery();
        }
        Begin = Command("BEGIN IMMEDIATE");
        Commit = Command("COMMIT");
        Rollback = Command("ROLLBACK");
    }

    public SqliteConnection Connection { get; }

    public DiskFlusher Flusher { get; }

    // Transaction control: plain SQL without parameters, kept as commands so each is prepared once.
    public SqliteCommand Begin { get; }

    public SqliteCommand Commit { get; }

    public SqliteCommand Rollback { get; }

    /// <summary>Whether a transaction is open; SQLite can end one on its own after some errors.</summary>
    public bool InTransaction => SQLitePCL.raw.sqlite3_get_autocommit(Connection.Handle) == 0;

    private SqliteCommand Command(string sql)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    public void Dispose() => Connection.Dispose(); // closing finalizes every statement prepared on it
}
