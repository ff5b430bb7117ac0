using OpenMotoko.Conversations;
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
}
