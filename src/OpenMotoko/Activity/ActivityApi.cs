using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Primitives;
using OpenMotoko.Hosting;

namespace OpenMotoko.Activity;

internal sealed record ActivityPage(IReadOnlyList<ActivityItem> Items, long Total);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ActivityPage))]
[JsonSerializable(typeof(ActivityItem))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ActivityJsonContext : JsonSerializerContext;

/// <summary>?limit, ?offset and the filters of GET /api/activity, bound with [AsParameters].</summary>
internal sealed record ActivityListQuery(
    [FromQuery(Name = "limit")] string[] Limit = null!,
    [FromQuery(Name = "offset")] string[] Offset = null!,
    [FromQuery(Name = "type")] string[] Type = null!,
    [FromQuery(Name = "channel")] string[] Channel = null!,
    [FromQuery(Name = "skillId")] string[] SkillId = null!,
    [FromQuery(Name = "conversationId")] string[] ConversationId = null!) : IValidatable
{
    private const int MaxFilter = 200;

    public void Validate(List<ErrorDetail> errors)
    {
        new PageQuery(Limit, Offset).Validate(errors);
        QueryValues.Text(Type, "type", MaxFilter, errors);
        QueryValues.Text(Channel, "channel", MaxFilter, errors);
        QueryValues.Text(SkillId, "skillId", MaxFilter, errors);
        QueryValues.Text(ConversationId, "conversationId", MaxFilter, errors);
    }

    public ActivityQuery ToQuery()
    {
        var page = new PageQuery(Limit, Offset);
        List<ErrorDetail> ignored = [];
        return new ActivityQuery(page.Take, page.Skip, QueryValues.Text(Type, "type", MaxFilter, ignored), QueryValues.Text(Channel, "channel", MaxFilter, ignored),
            QueryValues.Text(SkillId, "skillId", MaxFilter, ignored), QueryValues.Text(ConversationId, "conversationId", MaxFilter, ignored));
    }
}

/// <summary>The activity feed: newest first, filtered by type, channel, skill or conversation.</summary>
internal static class ActivityApi
{
    public static RouteGroupBuilder MapActivity(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/activity");
        group.MapGet("/", ListActivity).Validated<ActivityListQuery>();
        return group;
    }

    private static async Task<Ok<ActivityPage>> ListActivity([AsParameters] ActivityListQuery query, [FromServices] ActivityLog log, CancellationToken cancellationToken)
    {
        var (items, total) = await log.ListAsync(query.ToQuery(), cancellationToken);
        return TypedResults.Ok(new ActivityPage(items, total));
    }
}
