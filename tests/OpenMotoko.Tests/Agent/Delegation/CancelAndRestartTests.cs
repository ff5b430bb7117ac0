using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OpenMotoko.Tests.Providers.Routing;
using OpenMotoko.Tests.Skills.Shell;
using static OpenMotoko.Tests.Agent.Delegation.AgentsApiKit;
using static OpenMotoko.Tests.Agent.Delegation.RunScripts;

namespace OpenMotoko.Tests.Agent.Delegation;

public sealed class CancelAndRestartTests
{
    [Fact]
    public async Task Deleting_a_parent_cancels_every_descendant_aborts_their_calls_and_kills_their_commands()
    {
        await using var h = await AgentHarness.StartAsync();
        await RouterTestKit.SetAsync(h.App, """{"skills.shell.mode": "auto", "skills.shell.unsandboxed": true}""");
        var tag = Random.Shared.Next(100_000, 999_999);
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new RunScripts(h.Fake)
            .On("TOP", Calls(("s1", "spawn_agent", new { task = "MIDDLE job", name = "middle" }), ("s2", "spawn_agent", new { task = "SHELL job", name = "shell" })),
                WaitForSpawned(), Text("never"))
            .On("MIDDLE", Calls(("s1", "spawn_agent", new { task = "BOTTOM job", name = "bottom" })), WaitForSpawned(), Text("never"))
            .On("BOTTOM", Stall("Digging", stalled, aborted))
            .On("SHELL", Calls(("x1", "execute_command", new { command = $"sleep {tag}" })), Text("never"));
        var conversation = await h.CreateConversationAsync();
        var posting = h.PostMessageAsync(conversation, "TOP task");
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 300 && ShellKit.LiveProcessesWith($"sleep {tag}").Count == 0; i++)
        {
            await Task.Delay(20);
        }
        Assert.NotEmpty(ShellKit.LiveProcessesWith($"sleep {tag}"));
        var runs = Items(await AgentsAsync(h.Client));
        Assert.Equal(4, runs.Length);
        var top = runs.Single(r => r.GetProperty("depth").GetInt32() == 0).GetProperty("id").GetString()!;

        using var deleted = await h.Client.DeleteAsync($"/api/agents/{top}");

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var answer = await AgentHarness.JsonAsync(deleted);
        Assert.Equal(top, answer.GetProperty("id").GetString());
        Assert.Contains(answer.GetProperty("status").GetString(), new[] { "cancelling", "cancelled" });
        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the grandchild's provider call was aborted
        Assert.True(await ShellKit.NoneLeftAsync($"sleep {tag}"), "the child's command survived the cancel");
        using var reply = await posting;
        Assert.Equal("CANCELLED", (await AgentHarness.JsonAsync(reply)).GetProperty("code").GetString());
        foreach (var run in runs)
        {
            var ended = await UntilStatusAsync(h.Client, run.GetProperty("id").GetString()!, "cancelled");
            Assert.Equal("cancelled", ended.GetProperty("reason").GetString());
        }
        var activity = await h.Client.GetFromJsonAsync<JsonElement>("/api/activity?type=agent:failed");
        Assert.Equal(3, activity.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Ended_runs_answer_after_a_restart_and_runs_it_interrupted_are_failed_restart()
    {
        await using var h = await AgentHarness.StartAsync();
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new RunScripts(h.Fake)
            .On("FINISHED", Calls(("s1", "spawn_agent", new { task = "QUICK job", name = "quick" })), WaitForSpawned(), Text("All done."))
            .On("QUICK", Text("Quick answer."))
            .On("UNFINISHED", Calls(("s1", "spawn_agent", new { task = "ENDLESS job", name = "endless" })), WaitForSpawned(), Text("never"))
            .On("ENDLESS", Stall("Still going", stalled));
        using (var done = await h.PostMessageAsync(await h.CreateConversationAsync(), "FINISHED task"))
        {
            Assert.Equal("All done.", (await AgentHarness.JsonAsync(done)).GetProperty("content").GetString());
        }
        var finished = Items(await AgentsAsync(h.Client));
        var posting = h.PostMessageAsync(await h.CreateConversationAsync(), "UNFINISHED task");
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var interrupted = Items(await AgentsAsync(h.Client)).Where(r => !finished.Any(f => f.GetProperty("id").GetString() == r.GetProperty("id").GetString())).ToList();
        Assert.Equal(2, interrupted.Count);

        await h.App.RestartAsync();
        using var client = await h.App.LoginClientAsync();

        var parent = finished.Single(r => r.GetProperty("depth").GetInt32() == 0).GetProperty("id").GetString()!;
        var afterRestart = await AgentAsync(client, parent);
        Assert.Equal("completed", afterRestart.GetProperty("status").GetString());
        Assert.Equal("All done.", afterRestart.GetProperty("output").GetString());
        var child = Assert.Single(afterRestart.GetProperty("children").EnumerateArray());
        Assert.Equal("quick", child.GetProperty("name").GetString());
        Assert.Equal("Quick answer.", child.GetProperty("output").GetString());
        foreach (var run in interrupted)
        {
            var ended = await AgentAsync(client, run.GetProperty("id").GetString()!);
            Assert.Equal("failed", ended.GetProperty("status").GetString());
            Assert.Equal("restart", ended.GetProperty("reason").GetString());
        }
        Assert.Equal(4, Items(await AgentsAsync(client)).Length);
        try
        {
            await posting;
        }
        catch (HttpRequestException)
        {
            // the restart closed the connection
        }
    }

    [Fact]
    public async Task Runs_a_crash_left_running_are_marked_failed_restart_at_start_up()
    {
        await using var app = await TestApp.StartAsync();
        await app.RestartAsync(); // a clean store, then a row as a killed process would leave it
        await using (var connection = new SqliteConnection($"Data Source={app.DatabasePath}"))
        {
            await connection.OpenAsync();
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO agent_runs (id, conversation_id, task, status, depth, spent_micros, started_at)
                VALUES ('crashed-run', 'some-conversation', 'work', 'running', 0, 1500, 1)
                """;
            await insert.ExecuteNonQueryAsync();
        }

        await app.RestartAsync();

        using var client = await app.LoginClientAsync();
        var run = await AgentAsync(client, "crashed-run");
        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Equal("restart", run.GetProperty("reason").GetString());
        Assert.Equal(0.0015m, run.GetProperty("spentUsd").GetDecimal());
        Assert.Equal(app.Time.GetUtcNow().ToUnixTimeMilliseconds(), run.GetProperty("finishedAt").GetInt64());
    }

    [Fact]
    public async Task A_completed_run_is_stored_with_its_answers_commit()
    {
        await using var h = await AgentHarness.StartAsync();
        h.Fake.ThenText("Stored together.");

        using var response = await h.PostMessageAsync(await h.CreateConversationAsync(), "Hello");
        var runId = Assert.Single(response.Headers.GetValues("X-Run-Id"));

        // Read beside the daemon, without its flush: the row is there because it rode with the answer's commit
        // (the deferred-write timer runs on the test's clock, which does not move).
        await using var connection = new SqliteConnection($"Data Source={h.App.DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT status || '|' || output FROM agent_runs WHERE id = $id";
        query.Parameters.AddWithValue("$id", runId);
        Assert.Equal("completed|Stored together.", await query.ExecuteScalarAsync());
    }
}
