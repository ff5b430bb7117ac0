using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMotoko.Hosting;

namespace OpenMotoko.Approvals;

internal static class ApprovalsApi
{
    /// <summary>The approval broker every surface asks and answers through, and its API's JSON.</summary>
    public static IServiceCollection AddApprovals(this IServiceCollection services)
    {
        services.AddSingleton<ApprovalBroker>();
        services.AddJsonContext(ApprovalsJsonContext.Default);
        return services;
    }

    public static RouteGroupBuilder MapApprovals(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/approvals");
        group.MapGet("/", (ApprovalBroker broker) => TypedResults.Ok(broker.Pending()));
        group.MapPost("/{id}", Decide);
        return group;
    }

    private static Results<Ok<ApprovalDecisionResponse>, JsonHttpResult<ApiError>> Decide(string id, JsonElement body, ApprovalBroker broker)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiErrors.Validation("$", "The body must be a JSON object {\"approve\": true|false}.");
        }
        if (!body.TryGetProperty("approve", out var approve) || approve.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return ApiErrors.Validation("approve", "approve is required and must be true or false.");
        }
        var approved = approve.GetBoolean();
        return broker.Decide(id, approved) switch
        {
            ApprovalDecision.Decided => TypedResults.Ok(new ApprovalDecisionResponse(id, approved)),
            ApprovalDecision.AlreadyDecided => ApiErrors.Of(StatusCodes.Status409Conflict, ErrorCodes.Conflict, $"Approval '{id}' was already decided."),
            _ => ApiErrors.NotFound($"No pending approval '{id}': it never existed, expired, or its run ended."),
        };
    }
}
