using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Conversations;
using OpenMotoko.Hosting;
using OpenMotoko.Storage;

namespace OpenMotoko.Tests.Storage;

public sealed class DatabaseTests
{
    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    [Fact]
    public void The_schema_version_is_the_number_of_the_last_migration_not_how_many_there_are()
    {
        // Features merged in another order than their migrations were numbered leave a number unused
        // for a while; a script's version must stay its number, or a later merge would run it again.
        var names = typeof(Migrator).Assembly.GetManifestResourceNames().Where(n => n.StartsWith("migrations/", StringComparison.Ordinal)).ToArray();
        var highest = names.Select(n => int.Parse(n["migrations/".Length..][..4], System.Globalization.CultureInfo.InvariantCulture)).Max();
        Assert.Equal(highest, Migrator.LatestVersion);
    }

    [Fact]
    public async Task Migrations_create_the_tables_and_set_user_version()
    {
        await using var app = await TestApp.StartAsync();
        var database = (Database)app.Services.GetService(typeof(Database))!;

        using var connection = database.Open();

        Assert.True(Migrator.LatestVersion >= 1);
        Assert.Equal((long)Migrator.LatestVersion, Scalar(connection, "PRAGMA user_version;"));
        foreach (var table in new[] { "settings", "sessions", "owner_password", "login_attempts" })
        {
            Assert.Equal(1L, Scalar(connection, $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"));
        }
        Assert.Equal(0, Migrator.Migrate(database));
    }

    [Fact]
    public async Task Every_connection_uses_wal_full_sync_foreign_keys_and_a_busy_timeout()
    {
        await using var app = await TestApp.StartAsync();
        await app.RestartAsync(); // the second start runs no migration: the settings must not depend on one
        var database = (Database)app.Services.GetService(typeof(Database))!;

        for (var i = 0; i < 3; i++)
        {
            await using var connection = await database.OpenAsync();
            Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
            Assert.Equal(2L, Scalar(connection, "PRAGMA synchronous;")); // 2 = FULL
            Assert.Equal(1L, Scalar(connection, "PRAGMA foreign_keys;"));
            Assert.True((long)Scalar(connection, "PRAGMA busy_timeout;")! >= 5000);
        }
        using var sync = database.Open();
        Assert.Equal(2L, Scalar(sync, "PRAGMA synchronous;"));
    }

    [Fact]
    public async Task Writes_commit_without_waiting_for_the_disk_and_the_flusher_puts_each_one_on_it()
    {
        await using var app = await TestApp.StartAsync();
        var database = app.Services.GetRequiredService<Database>();
        var store = app.Services.GetRequiredService<ConversationStore>();
        var before = database.DiskProgress.Committed;

        for (var i = 0; i < 5; i++)
        {
            await store.CreateAsync($"c{i}", null, null, null, CancellationToken.None);
        }
        using (var write = await database.BeginWriteAsync())
        {
            Assert.Equal(1L, Scalar(write.Connection, "PRAGMA synchronous;")); // 1 = NORMAL: COMMIT leaves the flush to the flusher
        }

        Assert.Equal(before + 5, database.DiskProgress.Committed); // the rolled-back write is not a commit
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (database.DiskProgress.Flushed != database.DiskProgress.Committed)
        {
            Assert.True(DateTime.UtcNow < deadline, "the flusher did not flush the commits");
            await Task.Delay(5);
        }
        await using var reader = await database.OpenAsync();
        Assert.Equal(2L, Scalar(reader, "PRAGMA synchronous;")); // other connections keep FULL
    }

    [Fact]
    public async Task A_write_command_kept_on_the_writer_stores_every_later_value_whole()
    {
        await using var app = await TestApp.StartAsync();
        var store = app.Services.GetRequiredService<ConversationStore>();
        var conversation = await store.CreateAsync("t", null, null, null, CancellationToken.None);

        // The kept insert first binds short text; the longer values after it must not be cut to that size.
        string[] contents = ["short", new string('a', 60_000), "x", new string('b', 4_001), new string('c', 100_000)];
        foreach (var content in contents)
        {
            var message = new MessageView(ConversationStore.NewId(), conversation.Id, MessageRoles.User, content, null, null,
                "gpt-" + new string('m', content.Length % 5_000), null, 0, 0, 0m, 1, Error: content);
            Assert.True(await store.AppendAsync(conversation.Id, null, [message], CancellationToken.None));
        }

        var stored = await store.MessagesAsync(conversation.Id, CancellationToken.None);
        Assert.Equal(contents, stored.Select(m => m.Content));
        Assert.Equal(contents, stored.Select(m => m.Error));
        Assert.Equal(contents.Select(c => 4 + c.Length % 5_000), stored.Select(m => m.Model!.Length));
    }

    [Fact]
    public async Task A_write_whose_statement_fails_rolls_back_and_the_next_write_goes_through()
    {
        await using var app = await TestApp.StartAsync();
        var database = app.Services.GetRequiredService<Database>();
        var store = app.Services.GetRequiredService<ConversationStore>();
        var conversation = await store.CreateAsync("t", null, null, null, CancellationToken.None);
        var message = new MessageView(ConversationStore.NewId(), conversation.Id, MessageRoles.User, "once", null, null, null, null, 0, 0, 0m, 1);
        Assert.True(await store.AppendAsync(conversation.Id, null, [message], CancellationToken.None));

        // The same message id again: the insert fails after the conversation row was touched and a first row written.
        var second = message with { Id = ConversationStore.NewId() };
        await Assert.ThrowsAsync<SqliteException>(() => store.AppendAsync(conversation.Id, null, [second, message], CancellationToken.None));

        using (var write = await database.BeginWriteAsync())
        {
            Assert.Equal(1L, Scalar(write.Connection, "SELECT count(*) FROM messages")); // the half-done write left nothing
            write.Commit();
        }
        Assert.True(await store.AppendAsync(conversation.Id, null, [second], CancellationToken.None));
        Assert.Equal(["once", "once"], (await store.MessagesAsync(conversation.Id, CancellationToken.None)).Select(m => m.Content));
    }

    [Fact]
    public void A_database_from_a_newer_version_is_refused_and_left_unchanged()
    {
        var dataDir = Directory.CreateTempSubdirectory("openmotoko-test-").FullName;
        try
        {
            var path = Path.Combine(dataDir, "openmotoko.db");
            using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                connection.Open();
                Scalar(connection, $"CREATE TABLE future (x INTEGER); PRAGMA user_version = {Migrator.LatestVersion + 1};");
            }
            var before = File.ReadAllBytes(path);
            var options = new DaemonOptions { DataDir = dataDir, Port = 0, Environment = EnvironmentSnapshot.Empty };

            var error = Assert.Throws<DatabaseTooNewException>(() => DaemonHost.Build(options));

            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains($"schema version {Migrator.LatestVersion + 1}", error.Message, StringComparison.Ordinal);
            Assert.Contains("newer openmotoko", error.Message, StringComparison.Ordinal);
            SqliteConnection.ClearAllPools();
            Assert.Equal(before, File.ReadAllBytes(path));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task The_database_path_can_come_from_OPENMOTOKO_DB_PATH()
    {
        var elsewhere = Path.Combine(Directory.CreateTempSubdirectory("openmotoko-db-").FullName, "sub", "my.db");
        await using (var app = await TestApp.StartAsync(new() { ["OPENMOTOKO_PASSWORD"] = TestApp.Password, ["OPENMOTOKO_DB_PATH"] = elsewhere }))
        {
            using var owner = await app.LoginClientAsync();
            (await owner.PutAsync("/api/settings", OpenMotoko.Tests.Hosting.Envelope.Json("{\"theme\":\"dark\"}"))).EnsureSuccessStatusCode();
            Assert.False(File.Exists(app.DatabasePath));
        }
        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection($"Data Source={elsewhere};Pooling=False");
        connection.Open();
        Assert.Equal("\"dark\"", Scalar(connection, "SELECT value FROM settings WHERE key = 'theme'"));
        connection.Close();
        Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(elsewhere))!, recursive: true);
    }
}
