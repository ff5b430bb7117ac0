using System.Text.Json;
using OpenMotoko.Conversations;
using OpenMotoko.Hosting;

namespace OpenMotoko.Scheduler;

/// <summary>
/// The body of POST /api/scheduler/tasks and PUT /api/scheduler/tasks/:id, read by hand so PUT can
/// tell "absent" from "null" (cron: null switches a task to runAt). Types are checked here by the
/// validation filter; the rules that need the stored task (cron xor runAt, the next due time) are
/// <see cref="TaskDefinition"/>'s.
/// </summary>
internal sealed record TaskRequest(
    Field Name, Field Description, Field Cron, Field Timezone, Field Handler, bool RunAtPresent, long? RunAt,
    JsonElement? Payload, bool? Enabled, int? MaxRetries, int? TimeoutSec, IReadOnlyList<ErrorDetail> Problems) : IValidatable
{
    private static readonly string[] Known = ["name", "description", "cron", "runAt", "timezone", "handler", "payload", "enabled", "maxRetries", "timeoutSec"];

    public static async ValueTask<TaskRequest?> BindAsync(HttpContext context) => Read(await JsonBody.ReadAsync(context, required: true));

    public void Validate(List<ErrorDetail> errors) => errors.AddRange(Problems);

    public static TaskRequest Read(JsonElement body)
    {
        var problems = new List<ErrorDetail>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ErrorDetail("body", "$", "must be a JSON object {name, cron | runAt, handler?, payload, ...}"));
            return new TaskRequest(default, default, default, default, default, false, null, null, null, null, null, problems);
        }
        foreach (var property in body.EnumerateObject())
        {
            if (!Known.Contains(property.Name, StringComparer.Ordinal))
            {
                problems.Add(new ErrorDetail("body", property.Name, $"'{property.Name}' is not a task field; send {string.Join(", ", Known)}"));
            }
        }
        var runAtPresent = body.TryGetProperty("runAt", out var runAtValue);
        long? runAt = null;
        if (runAtPresent && runAtValue.ValueKind != JsonValueKind.Null)
        {
            if (runAtValue.ValueKind == JsonValueKind.Number && runAtValue.TryGetInt64(out var ms) && ms > 0)
            {
                runAt = ms;
            }
            else
            {
                problems.Add(new ErrorDetail("body", "runAt", "runAt must be a time in epoch milliseconds, or null"));
            }
        }
        JsonElement? payload = body.TryGetProperty("payload", out var payloadValue) && payloadValue.ValueKind != JsonValueKind.Null ? payloadValue.Clone() : null;
        return new TaskRequest(
            BodyFields.String(body, "name", TaskDefinition.MaxName, problems),
            BodyFields.String(body, "description", TaskDefinition.MaxDescription, problems),
            BodyFields.String(body, "cron", 200, problems),
            BodyFields.String(body, "timezone", 100, problems),
            BodyFields.String(body, "handler", 50, problems),
            runAtPresent, runAt, payload,
            Boolean(body, "enabled", problems),
            Integer(body, "maxRetries", 0, 10, problems),
            Integer(body, "timeoutSec", 10, 3600, problems),
            problems);
    }

    private static bool? Boolean(JsonElement body, string name, List<ErrorDetail> problems)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }
        problems.Add(new ErrorDetail("body", name, $"{name} must be true or false"));
        return null;
    }

    private static int? Integer(JsonElement body, string name, int min, int max, List<ErrorDetail> problems)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max)
        {
            return number;
        }
        problems.Add(new ErrorDetail("body", name, $"{name} must be a whole number from {min} to {max}"));
        return null;
    }
}
