using System.Globalization;
using System.Text.Json;
using OpenMotoko.Providers;
using OpenMotoko.Settings;

namespace OpenMotoko.Agent;

/// <summary>get_current_time {timezone?}: the time now, in the given IANA zone, else app.timezone, else the system's.</summary>
internal sealed class CurrentTimeTool(TimeProvider time, SettingsStore settings) : IAgentTool
{
    public const string Name = "get_current_time";

    private static readonly JsonElement Schema = JsonDocument.Parse(
        """
        {"type":"object","properties":{"timezone":{"type":"string","description":"IANA time zone, e.g. Europe/Berlin or UTC. Default: the owner's time zone."}},"additionalProperties":false}
        """).RootElement.Clone();

    public string SkillId => "core";

    public ToolDefinition Definition { get; } = new(Name,
        "Returns the current date, time and weekday, in the owner's time zone or the one given.", Schema);

    public bool ChangesState => false;

    public Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        string? requested = null;
        if (invocation.Arguments.ValueKind == JsonValueKind.Object && invocation.Arguments.TryGetProperty("timezone", out var value))
        {
            if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                return Task.FromResult(ToolOutcome.Error("timezone must be a string such as Europe/Berlin."));
            }
            requested = value.GetString();
        }
        else if (invocation.Arguments.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            return Task.FromResult(ToolOutcome.Error("The arguments must be a JSON object such as {\"timezone\": \"UTC\"}."));
        }

        var name = string.IsNullOrWhiteSpace(requested) ? settings.GetString(SettingsCatalog.TimeZone) : requested.Trim();
        TimeZoneInfo zone;
        if (string.IsNullOrWhiteSpace(name))
        {
            zone = time.LocalTimeZone;
        }
        else if (!TimeZoneInfo.TryFindSystemTimeZoneById(name, out zone!))
        {
            return Task.FromResult(ToolOutcome.Error($"Unknown time zone '{name}'. Use an IANA name such as Europe/Berlin, America/New_York or UTC."));
        }

        var local = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);
        // Plain text: a JSON encoder would escape the '+' of the offset.
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{local:yyyy-MM-dd'T'HH:mm:sszzz} ({local.DayOfWeek}, time zone {zone.Id}, unix ms {local.ToUnixTimeMilliseconds()})");
        return Task.FromResult(ToolOutcome.Ok(text));
    }
}
