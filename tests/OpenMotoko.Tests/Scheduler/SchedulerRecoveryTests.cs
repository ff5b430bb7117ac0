using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Events;
using static OpenMotoko.Tests.Scheduler.SchedulerTestKit;

namespace OpenMotoko.Tests.Scheduler;

/// <summary>Retries, restarts, catch-up and the concurrency cap; backup tasks where no model is needed.</summary>
public sealed class SchedulerRecoveryTests
{
    [Fact]
    public async Task A_failed_run_is_retried_with_backoff_up_to_maxRetries()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        File.WriteAllText(Path.Combine(app.DataDir, "backups"), "a file where the backup folder should be"); // every backup fails
        var task = await CreateAsync(client, new { name = "Backup", cron = "0 3 * * *", handler = "backup", maxRetries = 2, payload = new { keep = 2 } });
        var id = task.GetProperty("id").GetString()!;

        using (var first = await client.PostAsync($"/api/scheduler/tasks/{id}/run?wait=true", null))
        {
            Assert.Equal("failed", Status(await JsonAsync(first)));
        }
        var waiting = await GetTaskAsync(client, id);
        Assert.Equal(Ms("2026-11-28T12:00:30Z"), waiting.GetProperty("nextRunAt").GetInt64());
        Assert.Equal(1, waiting.GetProperty("retryCount").GetInt32());

        app.Time.Advance(TimeSpan.FromSeconds(30));
        await WaitForRunsAsync(client, id, runs => runs.Length == 2 && Finished(runs[0]));
        Assert.Equal(Ms("2026-11-28T12:01:30Z"), (await GetTaskAsync(client, id)).GetProperty("nextRunAt").GetInt64()); // 60 s later

        app.Time.Advance(TimeSpan.FromSeconds(60));
        var runs = await WaitForRunsAsync(client, id, runs => runs.Length == 3 && Finished(runs[0]));

        Assert.Equal(["retry", "retry", "manual"], runs.Select(Trigger));
        Assert.All(runs, run => Assert.Equal("failed", Status(run)));
        var after = await GetTaskAsync(client, id);
        Assert.Equal(0, after.GetProperty("retryCount").GetInt32()); // given up: back to the schedule
        Assert.Equal(Ms("2026-11-29T03:00:00Z"), after.GetProperty("nextRunAt").GetInt64());
        Assert.Equal("failed", after.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_backup_handler_keeps_the_newest_copies()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        var task = await CreateAsync(client, new { name = "Backup", cron = "0 3 * * *", handler = "backup", payload = new { keep = 2 } });
        var id = task.GetProperty("id").GetString()!;
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync($"/api/scheduler/tasks/{id}/run?wait=true", null);
            Assert.Equal("succeeded", Status(await JsonAsync(response)));
            app.Time.Advance(TimeSpan.FromSeconds(1));
        }
        string[] files = [.. Directory.GetFiles(Path.Combine(app.DataDir, "backups")).Select(f => Path.GetFileName(f)!).Order()];
        Assert.Equal(2, files.Length);
        Assert.StartsWith("openmotoko-20261128T120001000Z-", files[0], StringComparison.Ordinal);
        Assert.StartsWith("openmotoko-20261128T120002000Z-", files[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_left_running_by_a_crash_is_failed_at_start_up()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        var id = (await CreateAsync(client, new { name = "Backup", cron = "0 3 * * *", handler = "backup" })).GetProperty("id").GetString()!;

        // What a killed daemon leaves behind: a run still marked running.
        await app.RestartAsync(whileDown: () =>
        {
            using var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=false");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                INSERT INTO scheduled_runs (id, task_id, trigger, status, started_at) VALUES ('r1', '{id}', 'schedule', 'running', {Ms("2026-11-28T11:00:00Z")});
                UPDATE scheduled_tasks SET status = 'running';
                """;
            command.ExecuteNonQuery();
        });
        using var again = await app.LoginClientAsync();

        var run = Assert.Single(await RunsAsync(again, id));
        Assert.Equal("failed", Status(run));
        Assert.Equal("interrupted by restart", run.GetProperty("error").GetString());
        Assert.Equal("failed", (await GetTaskAsync(again, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task After_downtime_a_missed_task_runs_once_within_the_catch_up_window()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        var hourly = (await CreateAsync(client, new { name = "Hourly", cron = "0 * * * *", handler = "backup" })).GetProperty("id").GetString()!;
        var daily = (await CreateAsync(client, new { name = "Daily", cron = "0 13 * * *", handler = "backup" })).GetProperty("id").GetString()!;

        await app.RestartAsync(whileDown: () => app.Time.Advance(TimeSpan.FromHours(1.5))); // 13:00 was missed, now 13:30
        using var again = await app.LoginClientAsync();
        var caught = await WaitForRunsAsync(again, hourly, runs => runs.Length == 1 && Finished(runs[0]));
        Assert.Equal("catch-up", Trigger(caught[0]));
        Assert.Equal("succeeded", Status(caught[0]));
        Assert.Equal(Ms("2026-11-28T14:00:00Z"), (await GetTaskAsync(again, hourly)).GetProperty("nextRunAt").GetInt64());

        await app.RestartAsync(whileDown: () => app.Time.Advance(TimeSpan.FromHours(3))); // 14:00, 15:00, 16:00 missed; 16:30 now
        using var third = await app.LoginClientAsync();
        var hourlyRuns = await WaitForRunsAsync(third, hourly, runs => runs.Length == 2 && Finished(runs[0]));
        Assert.Equal(["catch-up", "catch-up"], hourlyRuns.Select(Trigger)); // once, not once per missed hour
        Assert.Equal(Ms("2026-11-28T17:00:00Z"), (await GetTaskAsync(third, hourly)).GetProperty("nextRunAt").GetInt64());

        var dailyRun = Assert.Single(await RunsAsync(third, daily)); // caught up at the first restart, not due since
        Assert.Equal("catch-up", Trigger(dailyRun));
        Assert.Equal("succeeded", Status(dailyRun));
    }

    [Fact]
    public async Task A_task_missed_longer_than_catchUpHours_is_not_run()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        var id = (await CreateAsync(client, new { name = "Daily", cron = "0 13 * * *", handler = "backup" })).GetProperty("id").GetString()!;

        await app.RestartAsync(whileDown: () => app.Time.Advance(TimeSpan.FromHours(8))); // 13:00 missed by 7 h; the window is 6 h
        using var again = await app.LoginClientAsync();
        var run = (await WaitForRunsAsync(again, id, runs => runs.Length == 1))[0];

        Assert.Equal("skipped", Status(run));
        Assert.Equal("catch-up", Trigger(run));
        Assert.False(Directory.Exists(Path.Combine(app.DataDir, "backups")));
        Assert.Equal(Ms("2026-11-29T13:00:00Z"), (await GetTaskAsync(again, id)).GetProperty("nextRunAt").GetInt64());
    }

    [Fact]
    public async Task At_most_maxConcurrent_runs_go_at_once()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        await Costs.CostTestKit.PutAsync(client, "/api/settings", new Dictionary<string, int> { ["scheduler.maxConcurrent"] = 1 });
        var counter = new RunCounter();
        using var listening = app.Services.GetRequiredService<EventBus>().Subscribe(counter);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var task = await CreateAsync(client, new { name = $"T{i}", runAt = Ms("2026-11-28T12:00:10Z"), handler = "backup" });
            ids.Add(task.GetProperty("id").GetString()!);
        }

        app.Time.Advance(TimeSpan.FromSeconds(10)); // all three are due at once
        foreach (var id in ids)
        {
            Assert.Equal("succeeded", Status((await WaitForRunsAsync(client, id, runs => runs.Length == 1 && Finished(runs[0])))[0]));
        }

        Assert.Equal(3, counter.Started);
        Assert.Equal(1, counter.MostAtOnce); // each waited for the one before it
    }

    /// <summary>Counts scheduler runs going at once, from the events the runs publish.</summary>
    private sealed class RunCounter : IEventSubscriber
    {
        private int _now;

        public int Started;
        public int MostAtOnce;

        public ValueTask OnEventAsync(AgentEvent e)
        {
            if (e is SchedulerStarted)
            {
                Interlocked.Increment(ref Started);
                var now = Interlocked.Increment(ref _now);
                InterlockedMax(ref MostAtOnce, now);
            }
            else if (e is SchedulerCompleted or SchedulerFailed)
            {
                Interlocked.Decrement(ref _now);
            }
            return ValueTask.CompletedTask;
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
