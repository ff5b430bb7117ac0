using Microsoft.Data.Sqlite;

namespace OpenMotoko.Storage;

/// <summary>The one SQLite file. Hands out pooled connections with the project's settings.</summary>
internal sealed class Database
{
    private readonly string _connectionString;

    public Database(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30, // seconds Microsoft.Data.Sqlite keeps retrying a busy database
        }.ToString();
    }

    public string Path { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        ApplyPragmas(connection);
        return connection;
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        ApplyPragmas(connection);
        return connection;
    }

    /// <summary>
    /// A connection whose commits skip the disk flush (synchronous=NORMAL), for records written
    /// beside a conversation turn (activity rows). They survive a crash of the process; after a power
    /// loss they are as durable as the next full commit, which flushes the whole WAL before it, so
    /// a turn's messages never wait on one flush per activity row.
    /// </summary>
    public async Task<SqliteConnection> OpenRelaxedAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        ApplyPragmas(connection, Relaxed);
        return connection;
    }

    private const string Durable = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
    private const string Relaxed = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";

    // Per-connection settings the connection string cannot carry: a commit is on disk when it returns
    // (synchronous=FULL survives power loss in WAL mode), and SQLite itself waits out a busy writer.
    // Pooled connections keep the last setting, so every open sets it again.
    private static void ApplyPragmas(SqliteConnection connection, string pragmas = Durable)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        command.ExecuteNonQuery();
    }

    /// <summary>Copies the live database into <paramref name="destination"/> with SQLite's online backup.</summary>
    public void BackupTo(string destination)
    {
        using var source = Open();
        using var target = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = System.IO.Path.GetFullPath(destination),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        target.Open();
        source.BackupDatabase(target);
    }

    /// <summary>Folds the WAL back into the main file; called on shutdown.</summary>
    public void Checkpoint()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        command.ExecuteNonQuery();
    }
}
