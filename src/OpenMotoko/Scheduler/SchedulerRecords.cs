using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Scheduler;

/// <summary>The handlers, triggers and statuses a task and a run can have, named once.</summary>
internal static class SchedulerNames
{
    public const string Agent = "agent";
    public const string Backup = "backup";
    public static readonly string[] Handlers = [Agent, Backup];

    public const string Idle = "idle";
    public const string Running = "running";
    public const string Failed = "failed";
    public const string Succeeded = "succeeded";
    public const string Cancelled = "cancelled";
    public const string Skipped = "skipped";

    public const string Schedule = "schedule";
    public const string Manual = "manual";
    public const string Retry = "retry";
    public const string CatchUp = "catch-up";
}

/// <summary>A scheduled task as stored and as the API shows it (times in epoch ms; <see cref="NextTrigger"/> stays inside).</summary>
internal sealed record ScheduledTask(
    string Id, string Name, string? Description, string? Cron, long? RunAt, string Timezone, string Handler,
    [property: JsonIgnore] string PayloadJson, bool Enabled, string Status, long? LastRunAt, long? NextRunAt,
    [property: JsonIgnore] string NextTrigger, int RetryCount, int MaxRetries, int TimeoutSec, long CreatedAt, long UpdatedAt)
{
    public const int DefaultMaxRetries = 3;
    public const int DefaultTimeoutSec = 300;

    [JsonPropertyName("payload")]
    public JsonElement Payload
    {
        get
        {
            using var document = JsonDocument.Parse(PayloadJson);
            return document.RootElement.Clone();
        }
    }
}

/// <summary>One run of a task.</summary>
internal sealed record TaskRun(
    string Id, string TaskId, string Trigger, string Status, long StartedAt, long? FinishedAt, long? DurationMs,
    string? Output, string? Error, string? ConversationId, double Cost)
{
    /// <summary>The most of an answer a run keeps: 64 KiB of text.</summary>
    public const int MaxOutput = 64 * 1024;
}

internal sealed record TaskPage(IReadOnlyList<ScheduledTask> Items, long Total);

internal sealed record RunPage(IReadOnlyList<TaskRun> Items, long Total);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ScheduledTask))]
[JsonSerializable(typeof(TaskRun))]
[JsonSerializable(typeof(TaskPage))]
[JsonSerializable(typeof(RunPage))]
[JsonSerializable(typeof(SchedulePreview))]
internal sealed partial class SchedulerJsonContext : JsonSerializerContext;
