using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace OpenMotoko.Storage;

/// <summary>
/// The one SQLite file. Hands out pooled connections with the project's settings, serialises write
/// transactions through one gate, and holds the deferred records that ride along with the next one.
/// </summary>
internal sealed class Database
{
    // Per-connection settings the connection string cannot carry: a commit is on disk when it returns
    // (synchronous=FULL survives power loss in WAL mode), SQLite itself waits out a busy writer (another
    // process, such as the CLI), foreign keys are enforced, and temporary b-trees and statement
    // journals stay in memory instead of files in /var/tmp. Set once per physical connection.
    private const string Pragmas = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";

    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = [];
    private static readonly object Yes = new();

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly DeferredWrites _deferred;

    // The connection every write transaction uses, one at a time under _writer, and its flusher.
    private WriterConnection? _writerConnection;
    private readonly DiskFlusher _flusher;

    public Database(string path, TimeProvider? time = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30, // seconds Microsoft.Data.Sqlite keeps retrying a busy database
        }.ToString();
        _deferred = new DeferredWrites(time ?? TimeProvider.System, () => _ = FlushInBackgroundAsync());
        _flusher = new DiskFlusher(Path);
    }

    public string Path { get; }

    /// <summary>Where a failed disk flush is reported; the host sets it once logging exists.</summary>
    public ILogger Logger
    {
        get => _flusher.Logger;
        set => _flusher.Logger = value;
    }

    /// <summary>Write commits so far, and how many of them the disk flusher has put on the disk.</summary>
    public (long Committed, long Flushed) DiskProgress => _flusher.Progress;

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Configure(connection);
        return connection;
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        Configure(connection);
        return connection;
    }

    /// <summary>
    /// Begins a write transaction once the writer before it has finished. Its commit also stores
    /// the deferred records waiting at that moment. A commit returns once it is in the WAL, which a
    /// crash of the process cannot undo; <see cref="DiskFlusher"/> puts it on the disk right after.
    /// </summary>
    public async Task<WriteTransaction> BeginWriteAsync(CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            if (_writerConnection is null)
            {
                var connection = new WriterConnection(new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString(), _flusher);
                try
                {
                    connection.Open();
                    Configure(connection);
                    connection.LeaveFlushesToFlusher();
                }
                catch
                {
                    connection.Dispose();
                    throw;
                }
                _writerConnection = connection;
            }
            return new WriteTransaction(_writerConnection, _writer, _deferred);
        }
        catch
        {
            _writer.Release();
            throw;
        }
    }

    /// <summary>Queues a record for the next write transaction (at the latest a flush after <see cref="DeferredWrites.FlushDelay"/>).</summary>
    public void Defer(IDeferredWrite write) => _deferred.Add(write);

    /// <summary>Stores the deferred records now; readers of those tables call it first, so they see every record reported so far.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_deferred.IsEmpty)
        {
            // Nothing queued, but a commit may have taken the records and not be done yet: it holds the
            // writer gate until it is, so passing through the gate is enough to see what it carries.
            await _writer.WaitAsync(cancellationToken);
            _writer.Release();
            return;
        }
        using var write = await BeginWriteAsync(cancellationToken);
        write.Commit();
    }

    private async Task FlushInBackgroundAsync()
    {
        try
        {
            await FlushAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is SqliteException or ObjectDisposedException)
        {
            // each dropped record was reported to its owner by WriteTransaction
        }
    }

    private static void Configure(SqliteConnection connection)
    {
        var handle = connection.Handle!;
        if (Configured.TryGetValue(handle, out _))
        {
            return;
        }
        using (var command = connection.CreateCommand())
        {
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
        Configured.TryAdd(handle, Yes);
    }

    /// <summary>Copies the live database into <paramref name="destination"/> with SQLite's online backup.</summary>
    public void BackupTo(string destination)
    {
        PrivateFiles.CreateFile(System.IO.Path.GetFullPath(destination)); // owner-only from the start: it is the whole database
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

    /// <summary>Stores the deferred records and folds the WAL back into the main file (flushing both); called on shutdown.</summary>
    public void Checkpoint()
    {
        FlushAsync().GetAwaiter().GetResult();
        _writer.Wait();
        try
        {
            _flusher.Stop();
            _writerConnection?.Dispose();
            _writerConnection = null;
        }
        finally
        {
            _writer.Release();
        }
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        command.ExecuteNonQuery();
    }
}
