using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Tests.Agent;
using static OpenMotoko.Tests.Scheduler.SchedulerTestKit;

namespace OpenMotoko.Tests.Scheduler;

/// <summary>The loop and the agent handler against a fake OpenAI server, on the fake clock.</summary>
public sealed class SchedulerRunTests
{
    [Fact]
    public async Task A_due_task_runs_the_agent_into_a_new_conversation_titled_after_it()
    {
        await using var h = await AgentHarness.StartAsync();
        h.ThenText(10, 5, "Good ", "morning");
        var task = await CreateAsync(h.Client, new { name = "Briefing", cron = "0 13 * * *", timezone = "UTC", payload = new { prompt = "Brief me" } });
        var id = task.GetProperty("id").GetString()!;

        h.App.Time.Advance(TimeSpan.FromHours(1));
        var run = (await WaitForRunsAsync(h.Client, id, runs => runs.Length == 1 && Finished(runs[0])))[0];

        Assert.Equal("succeeded", Status(run));
        Assert.Equal("schedule", Trigger(run));
        Assert.Equal("Good morning", run.GetProperty("output").GetString());
        Assert.True(run.GetProperty("cost").GetDouble() > 0);
        var conversation = await h.GetConversationAsync(run.GetProperty("conversationId").GetString()!);
        Assert.Equal("Briefing", conversation.GetProperty("title").GetString());
        Assert.Equal("Brief me", conversation.GetProperty("messages")[0].GetProperty("content").GetString());
        var after = await GetTaskAsync(h.Client, id);
        Assert.Equal(Ms("2026-11-29T13:00:00Z"), after.GetProperty("nextRunAt").GetInt64());
        Assert.Equal("idle", after.GetProperty("status").GetString());
        Assert.Equal(Ms("2026-11-28T13:00:00Z"), after.GetProperty("lastRunAt").GetInt64());
    }

    [Fact]
    public async Task An_occurrence_due_while_the_task_runs_is_skipped()
    {
        await using var h = await AgentHarness.StartAsync();
        var release = new TaskCompletionSource();
        h.Fake.Then(async ctx =>
        {
            await release.Task;
            await Providers.OpenAi.FakeOpenAi.StreamAsync(ctx, Providers.OpenAi.FakeOpenAi.TextChunks(["slow"], 10, 5));
        });
        var task = await CreateAsync(h.Client, new { name = "Every 10 s", cron = "*/10 * * * * *", payload = new { prompt = "tick" } });
        var id = task.GetProperty("id").GetString()!;

        h.App.Time.Advance(TimeSpan.FromSeconds(10));
        await WaitForRunsAsync(h.Client, id, runs => runs.Length == 1 && h.ChatRequests.Count == 1);
        h.App.Time.Advance(TimeSpan.FromSeconds(10));
        await WaitForRunsAsync(h.Client, id, runs => runs.Length == 2);
        release.SetResult();
        var all = await WaitForRunsAsync(h.Client, id, runs => runs.All(Finished));

        Assert.Equal(["skipped", "succeeded"], all.Select(Status)); // newest first
        Assert.Single(h.ChatRequests);
        Assert.Equal(Ms("2026-11-28T12:00:30Z"), (await GetTaskAsync(h.Client, id)).GetProperty("nextRunAt").GetInt64());
    }

    [Fact]
    public async Task A_run_past_its_timeout_is_cancelled_and_failed()
    {
        await using var h = await AgentHarness.StartAsync();
        h.Fake.Then(ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        var task = await CreateAsync(h.Client, new { name = "Slow", cron = "0 8 * * *", timeoutSec = 10, maxRetries = 0, payload = new { prompt = "think" } });
        var id = task.GetProperty("id").GetString()!;

        using (var started = await h.Client.PostAsync($"/api/scheduler/tasks/{id}/run", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var run = await JsonAsync(started);
            Assert.Equal("running", Status(run));
            Assert.Equal("manual", Trigger(run));
        }
        await WaitForRunsAsync(h.Client, id, _ => h.ChatRequests.Count == 1);
        h.App.Time.Advance(TimeSpan.FromSeconds(10));
        var failed = (await WaitForRunsAsync(h.Client, id, runs => Finished(runs[0])))[0];

        Assert.Equal("failed", Status(failed));
        Assert.Equal("timed out after 10 s", failed.GetProperty("error").GetString());
        Assert.Equal(10_000, failed.GetProperty("durationMs").GetInt64());
        Assert.Equal("failed", (await GetTaskAsync(h.Client, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_run_refused_by_the_budget_is_failed_and_not_retried()
    {
        await using var h = await AgentHarness.StartAsync();
        await Costs.CostTestKit.PutAsync(h.Client, "/api/settings/budget", new { daily = 0.1, monthly = 0 });
        await Costs.CostTestKit.CallAsync(h.App, "openai", "gpt-4o", 100_000, 0); // $0.25 spent today
        var task = await CreateAsync(h.Client, new { name = "Costly", cron = "0 8 * * *", payload = new { prompt = "spend" } });
        var id = task.GetProperty("id").GetString()!;

        using var response = await h.Client.PostAsync($"/api/scheduler/tasks/{id}/run?wait=true", null);
        var run = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("failed", Status(run));
        Assert.Contains("Daily budget", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        var after = await GetTaskAsync(h.Client, id);
        Assert.Equal(0, after.GetProperty("retryCount").GetInt32());
        Assert.Equal(Ms("2026-11-29T08:00:00Z"), after.GetProperty("nextRunAt").GetInt64()); // no retry in 30 s
        Assert.Empty(h.ChatRequests);
    }

    [Fact]
    public async Task The_reminder_answer_lands_in_the_conversation_it_was_asked_in()
    {
        await using var h = await AgentHarness.StartAsync();
        h.ThenToolCalls(("call-1", "create_schedule", """{"name":"Stretch","prompt":"Remind the owner to stretch.","inSeconds":1200}"""))
            .ThenText(20, 5, "I will remind you in 20 minutes.")
            .ThenText(30, 5, "Time to stretch!");
        var conversationId = await h.CreateConversationAsync();
        using (var asked = await h.PostMessageAsync(conversationId, "Remind me in 20 minutes to stretch"))
        {
            Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        }
        var tasks = (await JsonAsync(await h.Client.GetAsync("/api/scheduler/tasks"))).GetProperty("items");
        var task = Assert.Single(tasks.EnumerateArray());
        var id = task.GetProperty("id").GetString()!;
        Assert.Equal(Ms("2026-11-28T12:20:00Z"), task.GetProperty("runAt").GetInt64());
        Assert.Equal(conversationId, task.GetProperty("payload").GetProperty("conversationId").GetString());

        h.App.Time.Advance(TimeSpan.FromMinutes(20));
        var run = (await WaitForRunsAsync(h.Client, id, runs => runs.Length == 1 && Finished(runs[0])))[0];

        Assert.Equal("succeeded", Status(run));
        Assert.Equal(conversationId, run.GetProperty("conversationId").GetString());
        var messages = await h.MessagesAsync(conversationId);
        Assert.Equal("Remind the owner to stretch.", messages[^2].GetProperty("content").GetString());
        Assert.Equal("Time to stretch!", messages[^1].GetProperty("content").GetString());
        var after = await GetTaskAsync(h.Client, id);
        Assert.False(after.GetProperty("enabled").GetBoolean()); // a reminder runs once
        Assert.Equal(JsonValueKind.Null, after.GetProperty("nextRunAt").ValueKind);
    }

    [Fact]
    public async Task Deleting_a_task_cancels_its_running_turn_and_removes_its_runs()
    {
        await using var h = await AgentHarness.StartAsync();
        h.Fake.Then(ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        var id = (await CreateAsync(h.Client, new { name = "Long", cron = "0 8 * * *", payload = new { prompt = "think" } })).GetProperty("id").GetString()!;
        using (var started = await h.Client.PostAsync($"/api/scheduler/tasks/{id}/run", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }
        await WaitForRunsAsync(h.Client, id, _ => h.ChatRequests.Count == 1);

        using (var deleted = await h.Client.DeleteAsync($"/api/scheduler/tasks/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        // /api/agents keeps ended runs for an hour: wait for the scheduler's run to have ended cancelled.
        while ((await JsonAsync(await h.Client.GetAsync("/api/agents"))).GetProperty("items").EnumerateArray()
               .Any(run => run.GetProperty("status").GetString() != "cancelled"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the agent run was not cancelled");
            await Task.Delay(10);
        }
        using var runs = await h.Client.GetAsync($"/api/scheduler/tasks/{id}/runs");
        Assert.Equal(HttpStatusCode.NotFound, runs.StatusCode);
    }
}
