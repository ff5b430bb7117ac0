using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;

namespace OpenMotoko.Scheduler;

/// <summary>The next due times of a cron expression, as a task with it would have them (epoch ms).</summary>
internal sealed record SchedulePreview(IReadOnlyList<long> Next, string Timezone);

/// <summary>?cron (required) and ?timezone (IANA; default app.timezone, else UTC) of GET /api/scheduler/preview.</summary>
internal sealed record SchedulePreviewQuery(
    [FromQuery(Name = "cron")] string[] Cron = null!,
    [FromQuery(Name = "timezone")] string[] Timezone = null!) : IValidatable
{
    public const int Count = 5;

    public void Validate(List<ErrorDetail> errors)
    {
        if (Cron is null || Cron.Length == 0)
        {
            errors.Add(new ErrorDetail("query", "cron", "cron is required: a cron expression such as 0 7 * * 1-5"));
        }
        else if (QueryValues.Text(Cron, "cron", 200, errors) is { } cron && TaskTiming.Parse(cron, out var error) is null)
        {
            errors.Add(new ErrorDetail("query", "cron", error!));
        }
        if (QueryValues.Text(Timezone, "timezone", 100, errors) is { } zone && TaskTiming.Zone(zone) is null)
        {
            errors.Add(new ErrorDetail("query", "timezone", $"timezone '{zone}' is not an IANA time zone this machine knows, e.g. UTC or Europe/Berlin"));
        }
    }

    /// <summary>The next <see cref="Count"/> times after <paramref name="now"/>, computed as the scheduler computes them (Cronos, the zone's DST rules).</summary>
    public SchedulePreview Compute(string defaultZone, long now)
    {
        var zoneName = Timezone is [{ Length: > 0 } given] ? given : defaultZone;
        var zone = TaskTiming.Zone(zoneName) ?? TimeZoneInfo.Utc;
        var expression = TaskTiming.Parse(Cron[0], out _)!;
        var next = new List<long>(Count);
        var after = DateTimeOffset.FromUnixTimeMilliseconds(now);
        while (next.Count < Count && expression.GetNextOccurrence(after, zone) is { } due)
        {
            next.Add(due.ToUnixTimeMilliseconds());
            after = due;
        }
        return new SchedulePreview(next, zone.Id);
    }
}
