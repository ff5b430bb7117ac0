using Cronos;

namespace OpenMotoko.Scheduler;

/// <summary>
/// When a task is due: its cron expression's next occurrence in its time zone (Cronos decides what
/// happens in DST gaps and overlaps), or its one-shot time.
/// </summary>
internal static class TaskTiming
{
    /// <summary>Parses 5 fields, 6 with seconds, or a macro (@hourly, @daily, ...); the error says why not.</summary>
    public static CronExpression? Parse(string text, out string? error)
    {
        error = null;
        var trimmed = text.Trim();
        var fields = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (!trimmed.StartsWith('@') && fields is not (5 or 6))
        {
            error = $"cron must have 5 fields (minute hour day month weekday), 6 with seconds first, or be a macro such as @daily (got {fields} fields)";
            return null;
        }
        try
        {
            return CronExpression.Parse(trimmed, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            error = $"cron is not a valid expression: {ex.Message}";
            return null;
        }
    }

    public static TimeZoneInfo? Zone(string name) => TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? zone : null;

    /// <summary>The first due time strictly after <paramref name="after"/>, in epoch ms; null when there is none.</summary>
    public static long? Next(string? cron, long? runAt, string timezone, long after)
    {
        if (cron is null)
        {
            return runAt is { } once && once > after ? once : null;
        }
        var expression = Parse(cron, out _);
        var zone = Zone(timezone) ?? TimeZoneInfo.Utc;
        return expression?.GetNextOccurrence(DateTimeOffset.FromUnixTimeMilliseconds(after), zone)?.ToUnixTimeMilliseconds();
    }

    /// <summary>The wait before retry number <paramref name="attempt"/> (1, 2, ...): 30 s, then doubling.</summary>
    public static TimeSpan RetryDelay(int attempt) => TimeSpan.FromSeconds(30 * Math.Pow(2, Math.Clamp(attempt - 1, 0, 16)));
}
