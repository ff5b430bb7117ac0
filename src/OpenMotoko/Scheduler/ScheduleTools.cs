using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Agent;
using OpenMotoko.Conversations;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;
using OpenMotoko.Skills;

namespace OpenMotoko.Scheduler;

/// <summary>
/// create_schedule {name, cron | runAt | inSeconds, prompt}: the agent schedules a prompt for itself.
/// The run answers in the conversation the call came from (set by the daemon, never by the model),
/// so "remind me in 20 minutes" lands where it was asked.
/// </summary>
internal sealed class CreateScheduleTool(IServiceProvider services, TimeProvider time) : IAgentTool
{
    private const int MaxInSeconds = 366 * 24 * 3600;

    public string SkillId => BuiltInSkills.Schedule;
    public bool ChangesState => true;

    public ToolDefinition Definition { get; } = new("create_schedule",
        "Schedule a prompt for yourself: once (inSeconds from now, or runAt as an ISO 8601 time) for a reminder, or repeatedly (a cron " +
        "expression: 5 fields, in the owner's time zone). When it is due, you get the prompt in this conversation and your answer appears here.",
        ToolArguments.Schema("""
            {"type":"object","properties":{
              "name":{"type":"string","description":"A short name, e.g. 'Call mum'."},
              "prompt":{"type":"string","description":"What to do when due, written as an instruction to yourself, e.g. 'Remind the owner to call mum.'"},
              "inSeconds":{"type":"integer","description":"Run once, this many seconds from now."},
              "runAt":{"type":"string","description":"Run once at this time, ISO 8601 with an offset, e.g. 2026-12-24T18:00:00+01:00."},
              "cron":{"type":"string","description":"Run repeatedly, e.g. '0 8 * * 1-5' for 08:00 on weekdays."}},
             "required":["name","prompt"]}
            """));

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(invocation.Arguments);
        var name = arguments.Text("name", TaskDefinition.MaxName);
        var prompt = arguments.Text("prompt", TurnService.MaxContent);
        var inSeconds = arguments.Integer("inSeconds", 1, MaxInSeconds);
        var runAtText = arguments.String("runAt", required: false);
        var cron = arguments.String("cron", required: false);
        if (arguments.Error is { } error)
        {
            return ToolOutcome.Error(error);
        }
        long? runAt = inSeconds is { } seconds ? time.GetUtcNow().AddSeconds(seconds).ToUnixTimeMilliseconds() : null;
        if (runAtText is not null)
        {
            if (runAt is not null || !DateTimeOffset.TryParse(runAtText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            {
                return ToolOutcome.Error("runAt must be an ISO 8601 time such as 2026-12-24T18:00:00+01:00, and not given with inSeconds.");
            }
            runAt = at.ToUnixTimeMilliseconds();
        }
        var payload = new JsonObject { ["prompt"] = prompt, ["conversationId"] = invocation.ConversationId };
        using var document = JsonDocument.Parse(payload.ToJsonString());
        var request = new TaskRequest(new Field(true, name), default, new Field(cron is not null, cron), default, default,
            runAt is not null, runAt, document.RootElement.Clone(), null, null, null, []);
        try
        {
            var task = await services.GetRequiredService<ScheduledTasks>().CreateAsync(request, cancellationToken);
            return ToolOutcome.Ok(ScheduleJson.Task(task).ToJsonString());
        }
        catch (ApiException ex)
        {
            var details = ex.Details is { Count: > 0 } list ? string.Join("; ", list.Select(d => $"{d.Path}: {d.Message}")) : ex.Message;
            return ToolOutcome.Error(details);
        }
    }
}

/// <summary>list_schedules: the scheduled tasks, newest first.</summary>
internal sealed class ListSchedulesTool(SchedulerStore store) : IAgentTool
{
    public string SkillId => BuiltInSkills.Schedule;
    public bool ChangesState => false;

    public ToolDefinition Definition { get; } = new("list_schedules",
        "List the scheduled tasks (up to 50): id, name, cron or runAt, enabled, next run time.",
        ToolArguments.Schema("""{"type":"object","properties":{}}"""));

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var page = await store.ListAsync(50, 0, cancellationToken);
        var list = new JsonArray();
        foreach (var task in page.Items)
        {
            list.Add((JsonNode)ScheduleJson.Task(task));
        }
        return ToolOutcome.Ok(new JsonObject { ["tasks"] = list, ["total"] = page.Total }.ToJsonString());
    }
}

/// <summary>delete_schedule {id}: deletes a scheduled task (cancelling its run, if one is going).</summary>
internal sealed class DeleteScheduleTool(IServiceProvider services) : IAgentTool
{
    public string SkillId => BuiltInSkills.Schedule;
    public bool ChangesState => true;

    public ToolDefinition Definition { get; } = new("delete_schedule",
        "Delete a scheduled task by its id (from list_schedules or create_schedule).",
        ToolArguments.Schema("""{"type":"object","properties":{"id":{"type":"string","description":"The task's id."}},"required":["id"]}"""));

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(invocation.Arguments);
        if (arguments.Text("id", 100) is not { } id)
        {
            return ToolOutcome.Error(arguments.Error!);
        }
        try
        {
            await services.GetRequiredService<ScheduledTasks>().DeleteAsync(id, cancellationToken);
            return ToolOutcome.Ok(new JsonObject { ["deleted"] = id }.ToJsonString());
        }
        catch (ApiException ex)
        {
            return ToolOutcome.Error(ex.Message);
        }
    }
}

/// <summary>A task as the schedule tools show it to the model, with times in ISO 8601 (UTC).</summary>
internal static class ScheduleJson
{
    public static JsonObject Task(ScheduledTask task) => new()
    {
        ["id"] = task.Id,
        ["name"] = task.Name,
        ["cron"] = task.Cron,
        ["runAt"] = Iso(task.RunAt),
        ["timezone"] = task.Timezone,
        ["enabled"] = task.Enabled,
        ["nextRunAt"] = Iso(task.NextRunAt),
    };

    private static string? Iso(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value).ToString("O", CultureInfo.InvariantCulture) : null;
}
