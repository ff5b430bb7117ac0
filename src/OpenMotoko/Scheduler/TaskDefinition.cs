using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Agent;
using OpenMotoko.Conversations;
using OpenMotoko.Hosting;

namespace OpenMotoko.Scheduler;

/// <summary>
/// Turns a request (and, for PUT, the stored task) into the task to store, checking the rules that
/// need both: exactly one of cron and runAt, a known time zone, runAt in the future, a handler's
/// payload. The next due time is computed here, so every change recomputes it.
/// </summary>
internal static class TaskDefinition
{
    public const int MaxName = 100;
    public const int MaxDescription = 2_000;
    public const int MinKeep = 1;
    public const int MaxKeep = 100;
    public const int DefaultKeep = 7;

    public static ScheduledTask? Build(ScheduledTask? current, TaskRequest request, string defaultZone, long now, List<ErrorDetail> errors)
    {
        var name = request.Name.Present ? request.Name.Value?.Trim() : current?.Name;
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new ErrorDetail("body", "name", $"name is required: 1 to {MaxName} characters"));
        }
        var cron = request.Cron.Present ? Blank(request.Cron.Value) : current?.Cron;
        var runAt = request.RunAtPresent ? request.RunAt : current?.RunAt;
        if (request.Cron.Present && cron is not null && !request.RunAtPresent)
        {
            runAt = null; // a new cron replaces a one-shot time unless both are sent
        }
        if (request.RunAtPresent && runAt is not null && !request.Cron.Present)
        {
            cron = null;
        }
        if ((cron is null) == (runAt is null))
        {
            errors.Add(new ErrorDetail("body", cron is null ? "cron" : "runAt",
                "send exactly one of cron (a repeating schedule) or runAt (one time, epoch ms)"));
        }
        else if (cron is not null && TaskTiming.Parse(cron, out var cronError) is null)
        {
            errors.Add(new ErrorDetail("body", "cron", cronError!));
        }
        else if (runAt is { } once && once <= now && (request.RunAtPresent || current?.Enabled == true))
        {
            errors.Add(new ErrorDetail("body", "runAt", $"runAt must be in the future (it is {once}, now is {now})"));
        }
        var timezone = request.Timezone.Present ? Blank(request.Timezone.Value) ?? defaultZone : current?.Timezone ?? defaultZone;
        if (TaskTiming.Zone(timezone) is null)
        {
            errors.Add(new ErrorDetail("body", "timezone", $"timezone '{timezone}' is not an IANA time zone this machine knows, e.g. UTC or Europe/Berlin"));
        }
        var handler = request.Handler.Present ? Blank(request.Handler.Value) ?? SchedulerNames.Agent : current?.Handler ?? SchedulerNames.Agent;
        string payload = "{}";
        if (!SchedulerNames.Handlers.Contains(handler, StringComparer.Ordinal))
        {
            errors.Add(new ErrorDetail("body", "handler", $"handler '{handler}' is unknown; use {string.Join(" or ", SchedulerNames.Handlers)}"));
        }
        else
        {
            var given = request.Payload ?? (current is not null && current.Handler == handler ? current.Payload : (JsonElement?)null);
            payload = CheckPayload(handler, given, errors);
        }
        if (errors.Count > 0)
        {
            return null;
        }
        var enabled = request.Enabled ?? current?.Enabled ?? true;
        var next = enabled ? TaskTiming.Next(cron, runAt, timezone, now) : null;
        return new ScheduledTask(
            current?.Id ?? ConversationStore.NewId(), name!,
            request.Description.Present ? Blank(request.Description.Value) : current?.Description,
            cron, runAt, timezone, handler, payload, enabled, current?.Status ?? SchedulerNames.Idle, current?.LastRunAt, next,
            SchedulerNames.Schedule, 0,
            request.MaxRetries ?? current?.MaxRetries ?? ScheduledTask.DefaultMaxRetries,
            request.TimeoutSec ?? current?.TimeoutSec ?? ScheduledTask.DefaultTimeoutSec,
            current?.CreatedAt ?? now, now);
    }

    /// <summary>The payload as stored (canonical JSON), or "{}" with an error added.</summary>
    private static string CheckPayload(string handler, JsonElement? payload, List<ErrorDetail> errors)
    {
        if (payload is { } given && given.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ErrorDetail("body", "payload", "payload must be a JSON object"));
            return "{}";
        }
        var body = payload ?? default;
        var problems = new List<ErrorDetail>();
        var result = new JsonObject();
        if (handler == SchedulerNames.Agent)
        {
            var prompt = payload is null ? default : BodyFields.String(body, "prompt", TurnService.MaxContent, problems);
            if (string.IsNullOrWhiteSpace(prompt.Value))
            {
                problems.Add(new ErrorDetail("body", "prompt", $"payload.prompt is required for the agent handler: 1 to {TurnService.MaxContent} characters"));
            }
            result["prompt"] = prompt.Value;
            Copy(body, payload is not null, "model", TurnService.MaxModel, result, problems);
            Copy(body, payload is not null, "conversationId", 100, result, problems);
            if (payload is not null && Channels.DeliveryTarget.Read(body, problems) is { } deliverTo)
            {
                result[Channels.DeliveryTarget.Field] = new JsonObject { ["channel"] = deliverTo.Channel, ["chatId"] = deliverTo.ChatId };
            }
            Unknown(body, payload is not null, ["prompt", "model", "conversationId", "deliverTo"], problems);
        }
        else
        {
            if (payload is not null && body.TryGetProperty("keep", out var keep) && keep.ValueKind != JsonValueKind.Null)
            {
                if (keep.ValueKind == JsonValueKind.Number && keep.TryGetInt32(out var count) && count is >= MinKeep and <= MaxKeep)
                {
                    result["keep"] = count;
                }
                else
                {
                    problems.Add(new ErrorDetail("body", "keep", $"payload.keep must be a whole number from {MinKeep} to {MaxKeep}"));
                }
            }
            Unknown(body, payload is not null, ["keep"], problems);
        }
        errors.AddRange(problems.Select(p => p with { Path = "payload." + p.Path }));
        return result.ToJsonString();
    }

    private static void Copy(JsonElement body, bool present, string name, int max, JsonObject into, List<ErrorDetail> problems)
    {
        if (present && BodyFields.String(body, name, max, problems).Value is { Length: > 0 } text)
        {
            into[name] = text;
        }
    }

    private static void Unknown(JsonElement body, bool present, string[] known, List<ErrorDetail> problems)
    {
        if (!present)
        {
            return;
        }
        foreach (var property in body.EnumerateObject().Where(p => !known.Contains(p.Name, StringComparer.Ordinal)))
        {
            problems.Add(new ErrorDetail("body", property.Name, $"'{property.Name}' is not a payload field of this handler; send {string.Join(", ", known)}"));
        }
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
