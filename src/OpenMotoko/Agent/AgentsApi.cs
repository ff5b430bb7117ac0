using Microsoft.AspNetCore.Http.HttpResults;
using OpenMotoko.Hosting;

namespace OpenMotoko.Agent;

internal static class AgentsApi
{
    public static RouteGroupBuilder MapAgents(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/agents");
        group.MapGet("/", (AgentRuns runs) => TypedResults.Ok(new AgentRunList(runs.Running, runs.Running.Count)));
        group.MapGet("/{id}", Get);
        group.MapDelete("/{id}", Cancel);
        return group;
    }

    private static Results<Ok<AgentRunInfo>, JsonHttpResult<ApiError>> Get(string id, AgentRuns runs) =>
        runs.Find(id) is { } run ? TypedResults.Ok(run.Info) : NotRunning(id);

    /// <summary>Cancels the run; it stores what it has and ends with a CANCELLED error.</summary>
    private static Results<Ok<AgentRunInfo>, JsonHttpResult<ApiError>> Cancel(string id, AgentRuns runs)
    {
        if (runs.Find(id) is not { } run || !runs.Cancel(id))
        {
            return NotRunning(id);
        }
        return TypedResults.Ok(run.Info);
    }

    private static JsonHttpResult<ApiError> NotRunning(string id) => ApiErrors.NotFound($"No running agent with id '{id}'.");
}
