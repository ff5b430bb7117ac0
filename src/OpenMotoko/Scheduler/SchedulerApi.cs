using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Agent;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Scheduler;

internal static class SchedulerApi
{
    /// <summary>The scheduler: its store, loop, handlers, the schedule skill's tools, JSON contract and routes.</summary>
    public static IServiceCollection AddScheduler(this IServiceCollection services)
    {
        services.AddSingleton<SchedulerStore>();
        services.AddSingleton<TaskHandlers>();
        services.AddSingleton<TaskRunner>();
        services.AddSingleton<SchedulerLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<SchedulerLoop>());
        services.AddSingleton<ScheduledTasks>();
        services.AddSingleton<IAgentTool, CreateScheduleTool>();
        services.AddSingleton<IAgentTool, ListSchedulesTool>();
        services.AddSingleton<IAgentTool, DeleteScheduleTool>();
        services.AddJsonContext(SchedulerJsonContext.Default);
        return services;
    }

    public static RouteGroupBuilder MapScheduler(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/scheduler/preview", Preview).Validated<SchedulePreviewQuery>();
        var group = routes.MapGroup("/api/scheduler/tasks");
        group.MapGet("/", List).Validated<PageQuery>();
        group.MapPost("/", Create).Validated<TaskRequest>();
        group.MapPut("/{id}", Update).Validated<TaskRequest>();
        group.MapDelete("/{id}", Delete);
        group.MapPost("/{id}/toggle", Toggle);
        group.MapPost("/{id}/run", Run);
        group.MapGet("/{id}/runs", Runs).Validated<PageQuery>();
        return group;
    }

    /// <summary>The next times of a cron expression, in the given zone or the one new tasks get.</summary>
    private static Ok<SchedulePreview> Preview([AsParameters] SchedulePreviewQuery query, [FromServices] SettingsStore settings, [FromServices] TimeProvider time) =>
        TypedResults.Ok(query.Compute(ScheduledTasks.DefaultZoneOf(settings), time.GetUtcNow().ToUnixTimeMilliseconds()));

    private static async Task<Ok<TaskPage>> List([AsParameters] PageQuery page, [FromServices] SchedulerStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(page.Take, page.Skip, cancellationToken));

    private static async Task<Created<ScheduledTask>> Create(TaskRequest input, [FromServices] ScheduledTasks tasks, CancellationToken cancellationToken)
    {
        var task = await tasks.CreateAsync(input, cancellationToken);
        return TypedResults.Created($"/api/scheduler/tasks/{task.Id}", task);
    }

    private static async Task<Ok<ScheduledTask>> Update(string id, TaskRequest input, [FromServices] ScheduledTasks tasks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tasks.UpdateAsync(id, input, cancellationToken));

    private static async Task<NoContent> Delete(string id, [FromServices] ScheduledTasks tasks, CancellationToken cancellationToken)
    {
        await tasks.DeleteAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ScheduledTask>> Toggle(string id, [FromServices] ScheduledTasks tasks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tasks.ToggleAsync(id, cancellationToken));

    /// <summary>202 with the started run; ?wait=true answers 200 with the run once it has finished.</summary>
    private static async Task<Results<Accepted<TaskRun>, Ok<TaskRun>>> Run(
        string id, [FromQuery(Name = "wait")] bool? wait, [FromServices] ScheduledTasks tasks, CancellationToken cancellationToken)
    {
        var (run, completion) = await tasks.RunNowAsync(id, cancellationToken);
        if (wait == true)
        {
            return TypedResults.Ok(await completion.WaitAsync(cancellationToken));
        }
        return TypedResults.Accepted($"/api/scheduler/tasks/{id}/runs", run);
    }

    private static async Task<Ok<RunPage>> Runs(string id, [AsParameters] PageQuery page, [FromServices] ScheduledTasks tasks, [FromServices] SchedulerStore store,
        CancellationToken cancellationToken)
    {
        await tasks.Find(id, cancellationToken);
        return TypedResults.Ok(await store.RunsAsync(id, page.Take, page.Skip, cancellationToken));
    }
}
