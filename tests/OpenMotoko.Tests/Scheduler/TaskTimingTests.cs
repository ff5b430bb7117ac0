using OpenMotoko.Scheduler;
using static OpenMotoko.Tests.Scheduler.SchedulerTestKit;

namespace OpenMotoko.Tests.Scheduler;

public sealed class TaskTimingTests
{
    [Theory]
    [InlineData("UTC", "2026-11-28T12:00:00Z", "2026-11-29T07:30:00Z")]
    [InlineData("Europe/Berlin", "2026-11-28T12:00:00Z", "2026-11-29T06:30:00Z")] // CET is UTC+1 in winter
    [InlineData("America/New_York", "2026-11-28T12:00:00Z", "2026-11-28T12:30:00Z")] // 07:30 EST is 12:30 UTC, still ahead
    public void A_daily_time_is_in_the_tasks_time_zone(string zone, string after, string expected) =>
        Assert.Equal(Ms(expected), TaskTiming.Next("30 7 * * *", null, zone, Ms(after)));

    [Fact]
    public void The_wall_clock_time_is_kept_across_a_DST_change()
    {
        // Europe/Berlin moves from CEST (UTC+2) to CET (UTC+1) on 2026-10-25: 08:00 local moves by an hour in UTC.
        Assert.Equal(Ms("2026-10-24T06:00:00Z"), TaskTiming.Next("0 8 * * *", null, "Europe/Berlin", Ms("2026-10-23T12:00:00Z")));
        Assert.Equal(Ms("2026-10-25T07:00:00Z"), TaskTiming.Next("0 8 * * *", null, "Europe/Berlin", Ms("2026-10-24T12:00:00Z")));
    }

    [Fact]
    public void A_time_in_the_spring_gap_runs_when_the_gap_ends_and_an_overlap_runs_once()
    {
        // 2026-03-29 02:30 does not exist in Berlin (02:00 jumps to 03:00): Cronos runs it at 03:00 CEST = 01:00 UTC.
        Assert.Equal(Ms("2026-03-29T01:00:00Z"), TaskTiming.Next("30 2 * * *", null, "Europe/Berlin", Ms("2026-03-28T12:00:00Z")));
        // 2026-10-25 02:30 happens twice (CEST then CET): a daily task runs at the first one only.
        var first = TaskTiming.Next("30 2 * * *", null, "Europe/Berlin", Ms("2026-10-24T12:00:00Z"));
        Assert.Equal(Ms("2026-10-25T00:30:00Z"), first);
        Assert.Equal(Ms("2026-10-26T01:30:00Z"), TaskTiming.Next("30 2 * * *", null, "Europe/Berlin", first!.Value));
    }

    [Theory]
    [InlineData("*/10 * * * * *", "2026-11-28T12:00:10Z")] // six fields: seconds first
    [InlineData("@hourly", "2026-11-28T13:00:00Z")]
    [InlineData("@daily", "2026-11-29T00:00:00Z")]
    public void Six_fields_and_macros_parse(string cron, string expected) =>
        Assert.Equal(Ms(expected), TaskTiming.Next(cron, null, "UTC", Ms("2026-11-28T12:00:00Z")));

    [Theory]
    [InlineData("* * * *")]
    [InlineData("61 * * * *")]
    [InlineData("@sometimes")]
    public void Invalid_cron_is_refused_with_a_reason(string cron)
    {
        Assert.Null(TaskTiming.Parse(cron, out var error));
        Assert.StartsWith("cron ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Retries_back_off_from_30_seconds_doubling() =>
        Assert.Equal([30, 60, 120, 240], Enumerable.Range(1, 4).Select(n => TaskTiming.RetryDelay(n).TotalSeconds));
}
