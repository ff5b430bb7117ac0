using Microsoft.Data.Sqlite;
using OpenMotoko.Storage;

namespace OpenMotoko.Tests.Storage;

/// <summary>Readers of deferred tables flush first, so they see every record reported so far.</summary>
public sealed class DeferredFlushTests
{
    [Fact]
    public async Task A_flush_waits_for_a_commit_that_has_taken_the_records_but_not_finished()
    {
        var folder = Directory.CreateTempSubdirectory("openmotoko-flush-");
        try
        {
            var database = new Database(Path.Combine(folder.FullName, "flush.db"));
            Migrator.Migrate(database);
            using var release = new ManualResetEventSlim();
            var record = new SlowRecord(release);
            database.Defer(record);

            // Another write carries the record: it takes it, then stays inside its commit until released.
            var committing = Task.Run(async () =>
            {
                using var write = await database.BeginWriteAsync(CancellationToken.None);
                write.Commit();
            });
            Assert.True(record.Writing.Wait(TimeSpan.FromSeconds(10)), "the commit took the record");

            var flush = database.FlushAsync(); // nothing is queued any more
            await Task.Delay(50);
            Assert.False(flush.IsCompleted, "a flush returned before the record it must show was committed");

            release.Set();
            await committing;
            await flush;
            Assert.True(record.Stored);
            database.Checkpoint();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private sealed class SlowRecord(ManualResetEventSlim release) : IDeferredWrite
    {
        public ManualResetEventSlim Writing { get; } = new();
        public bool Stored { get; private set; }

        public void Write(SqliteConnection connection)
        {
            Writing.Set();
            release.Wait(TimeSpan.FromSeconds(10));
        }

        public void Committed() => Stored = true;

        public void Failed(Exception exception)
        {
        }
    }
}
