using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Activity;
using OpenMotoko.Conversations;
using OpenMotoko.Events;
using OpenMotoko.Storage;
using OpenMotoko.Tests.Agent;
using OpenMotoko.Tests.Costs;

namespace OpenMotoko.Tests.Storage;

/// <summary>Activity and usage rows are deferred: they reach the file with the next write transaction, the flush timer or shutdown.</summary>
public sealed class DeferredWritesTests
{
    [Fact]
    public async Task A_turns_activity_and_usage_rows_commit_with_its_answer()
    {
        await using var h = await AgentHarness.StartAsync();
        h.ThenText(100, 20, "Hello there.");
        var id = await h.CreateConversationAsync();

        using (var response = await h.PostMessageAsync(id, "Hi"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Read the file as another process would, without flushing and without moving the clock.
        Assert.Equal(["message:received", "llm:complete", "cost:updated", "message:sent"],
            Column(h.App, "SELECT type FROM activity ORDER BY id"));
        Assert.Equal(["openai|100|20"], Column(h.App, "SELECT provider || '|' || input_tokens || '|' || output_tokens FROM llm_usage"));
        Assert.Equal(["user", "assistant"], Column(h.App, "SELECT role FROM messages ORDER BY created_at, rowid"));
    }

    [Fact]
    public async Task A_record_that_cannot_be_stored_is_dropped_without_failing_the_write_that_carries_it()
    {
        await using var app = await TestApp.StartAsync();
        var database = app.Services.GetRequiredService<Database>();
        var store = app.Services.GetRequiredService<ConversationStore>();
        var conversation = await store.CreateAsync("t", null, null, null, CancellationToken.None);
        var broken = new RecordingWrite("INSERT INTO no_such_table (x) VALUES (1)");
        var good = new RecordingWrite("INSERT INTO activity (type, data, created_at) VALUES ('test:good', '{}', 1)");
        database.Defer(broken);
        database.Defer(good);

        var message = new MessageView(ConversationStore.NewId(), conversation.Id, MessageRoles.User, "kept", null, null, null, null, 0, 0, 0m, 1);
        Assert.True(await store.AppendAsync(conversation.Id, null, [message], CancellationToken.None));

        Assert.IsType<SqliteException>(broken.Failure);
        Assert.Null(good.Failure);
        Assert.False(broken.WasCommitted);
        Assert.True(good.WasCommitted);
        Assert.Equal(["kept"], Column(app, "SELECT content FROM messages"));
        Assert.Equal(["test:good"], Column(app, "SELECT type FROM activity"));
    }

    [Fact]
    public async Task A_rolled_back_write_leaves_the_records_waiting_for_the_next_one()
    {
        await using var app = await TestApp.StartAsync();
        var database = app.Services.GetRequiredService<Database>();
        var store = app.Services.GetRequiredService<ConversationStore>();
        var waiting = new RecordingWrite("INSERT INTO activity (type, data, created_at) VALUES ('test:waiting', '{}', 1)");
        database.Defer(waiting);

        // Appending to a missing conversation rolls back: the record must not be lost with it.
        Assert.False(await store.AppendAsync("missing", null, [], CancellationToken.None));
        Assert.Empty(Column(app, "SELECT type FROM activity"));
        Assert.False(waiting.WasCommitted);

        await store.CreateAsync("t", null, null, null, CancellationToken.None);
        Assert.Equal(["test:waiting"], Column(app, "SELECT type FROM activity"));
        Assert.True(waiting.WasCommitted);
    }

    [Fact]
    public async Task Records_no_write_follows_are_stored_by_the_flush_timer_and_at_shutdown()
    {
        await using var app = await TestApp.StartAsync();
        var log = app.Services.GetRequiredService<ActivityLog>();

        await log.OnEventAsync(new MessageReceived(EventScope.None, "timer"));
        Assert.Empty(Column(app, "SELECT type FROM activity"));
        app.Time.Advance(DeferredWrites.FlushDelay);
        await WaitForAsync(() => Column(app, "SELECT type FROM activity").Count == 1);

        await log.OnEventAsync(new ToolCompleted(EventScope.None, "c1", "t", false, "shutdown"));
        await app.RestartAsync();
        Assert.Equal(["message:received", "tool:result"], Column(app, "SELECT type FROM activity ORDER BY id"));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the flush timer did not store the record");
            await Task.Delay(10);
        }
    }

    /// <summary>Reads the file as another process would: no flush first, so only committed records show.</summary>
    private static List<string> Column(TestApp app, string sql) => CostTestKit.ReadColumn(app, sql, flushFirst: false);

    private sealed class RecordingWrite(string sql) : IDeferredWrite
    {
        public Exception? Failure { get; private set; }

        public void Write(SqliteConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        public bool WasCommitted { get; private set; }

        public void Committed() => WasCommitted = true;

        public void Failed(Exception exception) => Failure = exception;
    }
}
