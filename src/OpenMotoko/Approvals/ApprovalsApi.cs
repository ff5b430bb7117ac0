using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
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
        group.MapGet("/", ([FromServices] ApprovalBroker broker) => TypedResults.Ok(broker.Pending()));
        group.MapPost("/{id}", Decide).Validated<ApprovalAnswer>();
        return group;
    }

    private static Results<Ok<ApprovalDecisionResponse>, JsonHttpResult<ApiError>> Decide(string id, ApprovalAnswer answer, [FromServices] ApprovalBroker broker) =>
        broker.Decide(id, answer.Approve) switch
        {
            ApprovalDecision.Decided => TypedResults.Ok(new ApprovalDecisionResponse(id, answer.Approve)),
            ApprovalDecision.AlreadyDecided => ApiErrors.Of(StatusCodes.Status409Conflict, ErrorCodes.Conflict, $"Approval '{id}' was already decided."),
            _ => ApiErrors.NotFound($"No pending approval '{id}': it never existed, expired, or its run ended."),
        };
}

/// <summary>The body of POST /api/approvals/:id: {"approve": true|false}.</summary>
internal sealed record ApprovalAnswer(bool Approve, ErrorDetail? Problem) : IValidatable
{
    public static async ValueTask<ApprovalAnswer?> BindAsync(HttpContext context)
    {
        var body = await JsonBody.ReadAsync(context, required: true);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return new ApprovalAnswer(false, new ErrorDetail("body", "$", "The body must be a JSON object {\"approve\": true|false}."));
        }
        return body.TryGetProperty("approve", out var approve) && approve.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? new ApprovalAnswer(approve.GetBoolean(), null)
            : new ApprovalAnswer(false, new ErrorDetail("body", "approve", "approve is required and must be true or false."));
    }

    public void Validate(List<ErrorDetail> errors)
    {
        if (Problem is not null)
        {
            errors.Add(Problem);
        }
    }
}
