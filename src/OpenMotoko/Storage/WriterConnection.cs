using Microsoft.Data.Sqlite;

namespace OpenMotoko.Storage;

/// <summary>
/// The connection every write transaction uses, one at a time (SQLite has one writer anyway): its
/// page cache stays warm, no pool round trip is paid per write, and every statement run on it is
/// prepared once: the transaction control below is kept here, and <see cref="PreparedCommandFactory{T}"/>
/// keeps the commands Dapper.AOT runs on it. It commits with synchronous=NORMAL, into the WAL
/// without waiting for the disk, and its <see cref="DiskFlusher"/> flushes the WAL right behind.
/// </summary>
internal sealed class WriterConnection(string connectionString, DiskFlusher flusher) : SqliteConnection(connectionString)
{
    private SqliteCommand? _begin;
    private SqliteCommand? _commit;
    private SqliteCommand? _rollback;

    public DiskFlusher Flusher { get; } = flusher;

    public SqliteCommand Begin => _begin ??= Command("BEGIN IMMEDIATE");

    public SqliteCommand Commit => _commit ??= Command("COMMIT");

    public SqliteCommand Rollback => _rollback ??= Command("ROLLBACK");

    /// <summary>Whether a transaction is open; SQLite can end one on its own after some errors.</summary>
    public bool InTransaction => SQLitePCL.raw.sqlite3_get_autocommit(Handle) == 0;

    /// <summary>Run once, after the connection pragmas: commits stop at the WAL and the flusher takes the flush.</summary>
    public void LeaveFlushesToFlusher()
    {
        using var normal = Command("PRAGMA synchronous=NORMAL");
        normal.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql)
    {
        var command = CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
