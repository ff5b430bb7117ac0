using OpenMotoko.Conversations;
using OpenMotoko.Scheduler;
using OpenMotoko.Storage;

namespace OpenMotoko.Tests.Storage;

/// <summary>
/// A call site keeps its prepared command for the writer connection it ran on. Two databases in one
/// process (every test app, or a restore beside a running store) share that call site, so a kept
/// command must never run on the other database's writer.
/// </summary>
public sealed class PreparedCommandTests
{
    [Fact]
    public async Task Writes_through_one_call_site_into_two_databases_each_land_in_their_own()
    {
        const int Writes = 400;
        var folder = Directory.CreateTempSubdirectory("openmotoko-prepared-");
        try
        {
            var first = new Database(Path.Combine(folder.FullName, "first.db"));
            var second = new Database(Path.Combine(folder.FullName, "second.db"));
            Migrator.Migrate(first);
            Migrator.Migrate(second);
            var stores = new[] { new ConversationStore(first, TimeProvider.System), new ConversationStore(second, TimeProvider.System) };

            // Side by side, so one writer recycles its command while the other is about to take one.
            await Task.WhenAll(Enumerable.Range(0, Writes * 2).Select(i => Task.Run(() =>
                stores[i % 2].CreateAsync($"db{i % 2}", null, null, null, CancellationToken.None))));

            first.Checkpoint();
            second.Checkpoint();
            for (var db = 0; db < 2; db++)
            {
                var page = await stores[db].ListAsync(Writes * 2, 0, CancellationToken.None);
                Assert.Equal(Writes, page.Total);
                Assert.All(page.Items, c => Assert.Equal($"db{db}", c.Title));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Runs_started_and_finished_in_turn_store_what_each_statement_says()
    {
        // Starting a run inserts it and finishing it updates it, on the writer, one after the other:
        // a command kept by one statement must never run (or be bound) as the other.
        var folder = Directory.CreateTempSubdirectory("openmotoko-prepared-");
        try
        {
            var database = new Database(Path.Combine(folder.FullName, "runs.db"));
            Migrator.Migrate(database);
            var store = new SchedulerStore(database);
            var task = new ScheduledTask("t1", "Nightly", null, "0 3 * * *", null, "UTC", "backup", "{}", true, "idle", null, 1000, "schedule", 0, 3, 300, 1, 1);
            await store.InsertAsync(task, CancellationToken.None);
            var state = new TaskState("running", true, 2000, "schedule", 0, 1000);
            for (var i = 0; i < 3; i++)
            {
                var run = new TaskRun($"r{i}", "t1", "schedule", "running", 1000 + i, null, null, null, null, null, 0);
                Assert.True(await store.SaveRunAsync("t1", run, state, insert: true, CancellationToken.None));
                Assert.True(await store.SaveRunAsync("t1", run with { Status = "succeeded", FinishedAt = 1500 + i, Output = $"out{i}" }, state,
                    insert: false, CancellationToken.None));
            }

            var page = await store.RunsAsync("t1", 10, 0, CancellationToken.None);
            Assert.Equal(3, page.Total);
            Assert.All(page.Items, r => Assert.Equal(("succeeded", $"out{r.Id[1..]}"), (r.Status, r.Output)));
            database.Checkpoint();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
