using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Agent.Delegation;
using OpenMotoko.Hosting;

namespace OpenMotoko.Agent;

/// <summary>
/// /api/agents: every run that is queued, running or ended within the last hour, top-level and
/// sub-agents alike (live ones from the supervisor, ended ones from agent_runs), one with its
/// children, and cancelling a run with all its descendants.
/// </summary>
internal static class AgentsApi
{
    public static readonly TimeSpan RecentWindow = TimeSpan.FromHours(1);

    public static RouteGroupBuilder MapAgents(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/agents");
        group.MapGet("/", List);
        group.MapGet("/{id}", Get);
        group.MapDelete("/{id}", Cancel);
        return group;
    }

    private static async Task<Ok<AgentRunPage>> List([FromServices] AgentSupervisor supervisor, [FromServices] AgentRunStore store, [FromServices] TimeProvider time, CancellationToken cancellationToken)
    {
        var since = (time.GetUtcNow() - RecentWindow).ToUnixTimeMilliseconds();
        var views = supervisor.Entries.Select(e => e.View()).Where(v => AgentStatus.IsLive(v.Status) || v.FinishedAt >= since).ToList();
        var known = views.Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        views.AddRange((await store.EndedSinceAsync(since, cancellationToken)).Where(row => !known.Contains(row.Id)).Select(row => row.View()));
        AgentRunView[] items = [.. views.OrderByDescending(v => v.StartedAt).ThenBy(v => v.Id, StringComparer.Ordinal)];
        return TypedResults.Ok(new AgentRunPage(items, items.Length));
    }

    private static async Task<Results<Ok<AgentRunView>, JsonHttpResult<ApiError>>> Get(string id, [FromServices] AgentSupervisor supervisor, [FromServices] AgentRunStore store,
        CancellationToken cancellationToken) =>
        await FindAsync(id, supervisor, store, cancellationToken) is { } view ? TypedResults.Ok(view) : NotFound(id);

    /// <summary>Cancels the run and its descendants; a run that already ended is answered as it is.</summary>
    private static async Task<Results<Ok<AgentRunView>, JsonHttpResult<ApiError>>> Cancel(string id, [FromServices] AgentSupervisor supervisor, [FromServices] AgentRunStore store,
        CancellationToken cancellationToken)
    {
        await supervisor.CancelTreeAsync(id);
        return await FindAsync(id, supervisor, store, cancellationToken) is { } view ? TypedResults.Ok(view) : NotFound(id);
    }

    private static async Task<AgentRunView?> FindAsync(string id, [FromServices] AgentSupervisor supervisor, [FromServices] AgentRunStore store, CancellationToken cancellationToken)
    {
        var view = supervisor.Find(id)?.View() ?? (await store.GetAsync(id, cancellationToken))?.View();
        if (view is null)
        {
            return null;
        }
        var children = supervisor.ChildrenOf(id).Select(e => e.View()).ToList();
        var known = children.Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        children.AddRange((await store.ChildrenAsync(id, cancellationToken)).Where(row => !known.Contains(row.Id)).Select(row => row.View()));
        return view with { Children = [.. children.OrderBy(v => v.StartedAt).ThenBy(v => v.Id, StringComparer.Ordinal)] };
    }

    private static JsonHttpResult<ApiError> NotFound(string id) => ApiErrors.NotFound($"No agent run with id '{id}'.");
}
