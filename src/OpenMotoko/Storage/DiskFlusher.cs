using Microsoft.Extensions.Logging.Abstractions;

namespace OpenMotoko.Storage;

/// <summary>
/// Puts the writer's commits on the disk without making a request wait for the disk (group commit).
/// A commit is written to the WAL at once, which a crash of the process cannot undo; this thread
/// then flushes the WAL file, and one flush covers every commit written before it. The flush starts
/// as soon as a commit lands, so a power cut can only take the commits of the flush in flight
/// (about a millisecond on an SSD, the card's flush time on an SD card) instead of every reply
/// paying that time.
/// </summary>
internal sealed class DiskFlusher(string databasePath)
{
    private readonly string _walPath = databasePath + "-wal";
    private readonly Lock _gate = new();
    private readonly AutoResetEvent _wake = new(false); // set outside the lock, so the flusher wakes straight into its work
    private Thread? _thread;
    private long _committed;
    private long _flushed;

    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Commits written to the WAL so far, and how many of them are known to be on the disk.</summary>
    public (long Committed, long Flushed) Progress
    {
        get
        {
            lock (_gate)
            {
                return (_committed, _flushed);
            }
        }
    }

    /// <summary>A commit reached the WAL: flush it, with any others that arrive meanwhile.</summary>
    public void Committed()
    {
        lock (_gate)
        {
            _committed++;
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "OpenMotoko disk flusher" };
                _thread.Start();
            }
        }
        _wake.Set();
    }

    /// <summary>Ends the thread (a later commit starts another); the caller's checkpoint flushes what is left.</summary>
    public void Stop()
    {
        Thread? thread;
        lock (_gate)
        {
            thread = _thread;
            _thread = null;
        }
        _wake.Set();
        thread?.Join();
    }

    private void Run()
    {
        var self = Thread.CurrentThread;
        while (true)
        {
            _wake.WaitOne();
            long target;
            lock (_gate)
            {
                if (_thread != self)
                {
                    return;
                }
                if (_committed == _flushed)
                {
                    continue; // a wake for commits an earlier flush already covered
                }
                target = _committed;
            }
            if (Flush())
            {
                lock (_gate)
                {
                    _flushed = target;
                }
            }
        }
    }

    private bool Flush()
    {
        try
        {
            using var wal = File.OpenHandle(_walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            RandomAccess.FlushToDisk(wal);
            return true;
        }
        catch (FileNotFoundException)
        {
            return true; // no WAL: SQLite checkpointed it into the database file and flushed that
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            StorageLog.FlushFailed(Logger, _walPath, ex);
            return false; // the next commit tries again
        }
    }
}
