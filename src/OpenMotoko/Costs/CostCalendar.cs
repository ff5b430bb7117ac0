using System.Globalization;
using OpenMotoko.Settings;

namespace OpenMotoko.Costs;

/// <summary>
/// Days and months as the person lives them: in the configured time zone (setting app.timezone,
/// default the system's), with boundaries turned into UTC instants that are right across DST changes.
/// </summary>
internal sealed class CostCalendar(SettingsStore settings, TimeProvider time)
{
    private sealed record CachedZone(string? Id, TimeZoneInfo Zone);

    private CachedZone? _cached;

    public TimeZoneInfo Zone
    {
        get
        {
            var id = settings.GetString(SettingsCatalog.TimeZone);
            var cached = _cached;
            if (cached is null || cached.Id != id)
            {
                var zone = id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) ? found : time.LocalTimeZone;
                _cached = cached = new CachedZone(id, zone);
            }
            return cached.Zone;
        }
    }

    public DateTimeOffset Now => time.GetUtcNow();

    public DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The first instant of a local day, in ms. A midnight skipped by DST starts the day at the first valid time.</summary>
    public long StartOf(DateOnly date)
    {
        var zone = Zone;
        var local = date.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUnixTimeMilliseconds();
    }

    /// <summary>[from, to) in ms for the local day of <paramref name="date"/>.</summary>
    public (long From, long To) Day(DateOnly date) => (StartOf(date), StartOf(date.AddDays(1)));

    /// <summary>[from, to) in ms for the local calendar month that holds <paramref name="date"/>.</summary>
    public (long From, long To) Month(DateOnly date)
    {
        var first = new DateOnly(date.Year, date.Month, 1);
        return (StartOf(first), StartOf(first.AddMonths(1)));
    }

    public static string DayKey(DateOnly date) => "day:" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string MonthKey(DateOnly date) => "month:" + date.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
