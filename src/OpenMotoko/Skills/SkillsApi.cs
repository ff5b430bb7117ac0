using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;

namespace OpenMotoko.Skills;

internal static class SkillsApi
{
    public static RouteGroupBuilder MapSkills(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/skills");
        group.MapGet("/", ([FromServices] SkillCatalog catalog) => TypedResults.Ok(catalog.List()));
        group.MapPost("/{id}/toggle", Toggle);
        return group;
    }

    private static async Task<Results<Ok<SkillToggleResponse>, JsonHttpResult<ApiError>>> Toggle(
        string id, [FromServices] SkillCatalog catalog, [FromServices] SkillStateStore state, [FromServices] ILogger<SkillCatalog> logger, CancellationToken cancellationToken)
    {
        if (catalog.Find(id) is not { } skill)
        {
            return ApiErrors.NotFound($"No skill '{id}'. GET /api/skills lists the skills.");
        }
        var enabled = !skill.Enabled;
        await state.SetAsync(skill.Id, enabled, cancellationToken);
        SkillsLog.Toggled(logger, skill.Id, enabled);
        return TypedResults.Ok(new SkillToggleResponse(skill.Id, enabled));
    }
}
