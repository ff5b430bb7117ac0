using System.Net;
using OpenMotoko.Tests.Hosting;
using static OpenMotoko.Tests.Scheduler.SchedulerTestKit;

namespace OpenMotoko.Tests.Scheduler;

/// <summary>GET /api/scheduler/preview: the next 5 due times of a cron expression while the owner types it.</summary>
public sealed class SchedulePreviewTests
{
    private static long[] Next(System.Text.Json.JsonElement json) =>
        [.. json.GetProperty("next").EnumerateArray().Select(t => t.GetInt64())];

    [Fact]
    public async Task Weekday_mornings_in_a_zone_are_the_next_five_working_days()
    {
        await using var app = await TestApp.StartAsync(); // the clock reads Saturday 2026-11-28 12:00 UTC
        using var client = await app.LoginClientAsync();
        var json = await Envelope.ReadJsonAsync(await client.GetAsync("/api/scheduler/preview?cron=0%207%20*%20*%201-5&timezone=Europe/Berlin"));
        Assert.Equal("Europe/Berlin", json.GetProperty("timezone").GetString());
        Assert.Equal(
            [Ms("2026-11-30T06:00:00Z"), Ms("2026-12-01T06:00:00Z"), Ms("2026-12-02T06:00:00Z"), Ms("2026-12-03T06:00:00Z"), Ms("2026-12-04T06:00:00Z")],
            Next(json));
    }

    [Fact]
    public async Task The_times_match_the_next_run_of_a_task_with_the_same_schedule()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        var task = await CreateAsync(client, new { name = "Hourly", cron = "15 * * * *", payload = new { prompt = "p" } });
        var json = await Envelope.ReadJsonAsync(await client.GetAsync("/api/scheduler/preview?cron=15%20*%20*%20*%20*"));
        Assert.Equal("UTC", json.GetProperty("timezone").GetString()); // app.timezone unset: UTC, as tasks default
        Assert.Equal(task.GetProperty("nextRunAt").GetInt64(), Next(json)[0]);
        Assert.Equal([Ms("2026-11-28T12:15:00Z"), Ms("2026-11-28T13:15:00Z"), Ms("2026-11-28T14:15:00Z"), Ms("2026-11-28T15:15:00Z"), Ms("2026-11-28T16:15:00Z")], Next(json));
    }

    [Fact]
    public async Task Six_fields_have_seconds_first_and_macros_are_understood()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        var seconds = await Envelope.ReadJsonAsync(await client.GetAsync("/api/scheduler/preview?cron=*/10%20*%20*%20*%20*%20*"));
        var start = Ms("2026-11-28T12:00:00Z");
        Assert.Equal([start + 10_000, start + 20_000, start + 30_000, start + 40_000, start + 50_000], Next(seconds));
        var daily = await Envelope.ReadJsonAsync(await client.GetAsync("/api/scheduler/preview?cron=@daily"));
        Assert.Equal(Ms("2026-11-29T00:00:00Z"), Next(daily)[0]);
    }

    [Fact]
    public async Task A_time_in_the_spring_gap_runs_when_the_gap_ends()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        // 02:30 does not exist in Berlin on 2027-03-28: the clocks jump from 02:00 to 03:00 (01:00 UTC).
        var json = await Envelope.ReadJsonAsync(await client.GetAsync("/api/scheduler/preview?cron=30%202%2028%203%20*&timezone=Europe/Berlin"));
        Assert.Equal(Ms("2027-03-28T01:00:00Z"), Next(json)[0]);
        Assert.Equal(Ms("2028-03-28T00:30:00Z"), Next(json)[1]);
    }

    [Theory]
    [InlineData("?cron=61%20*%20*%20*%20*", "cron")]
    [InlineData("?cron=*%20*%20*", "cron")]
    [InlineData("?cron=", "cron")]
    [InlineData("", "cron")]
    [InlineData("?cron=0%208%20*%20*%20*&cron=0%209%20*%20*%20*", "cron")]
    [InlineData("?cron=0%208%20*%20*%20*&timezone=Mars/Olympus", "timezone")]
    [InlineData("?cron=0%208%20*%20*%20*&timezone=", "timezone")]
    public async Task Bad_input_is_a_validation_error_naming_the_parameter(string query, string path)
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        using var response = await client.GetAsync("/api/scheduler/preview" + query);
        var envelope = await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Equal([path], Envelope.DetailPaths(envelope));
    }

    [Fact]
    public async Task It_needs_a_session()
    {
        await using var app = await TestApp.StartAsync();
        using var response = await app.Client.GetAsync("/api/scheduler/preview?cron=@daily");
        await Envelope.AssertAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }
}
