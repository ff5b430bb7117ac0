using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMotoko.Hosting;

namespace OpenMotoko.Activity;

internal sealed record ActivityPage(IReadOnlyList<ActivityItem> Items, long Total);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ActivityPage))]
[JsonSerializable(typeof(ActivityItem))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ActivityJsonContext : JsonSerializerContext;

/// <summary>The activity feed: newest first, filtered by type, channel, skill or conversation.</summary>
internal static class ActivityApi
{
    public static RouteGroupBuilder MapActivity(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/activity");
        group.MapGet("/", ListActivity);
        return group;
    }

    private static async Task<Results<Ok<ActivityPage>, JsonHttpResult<ApiError>>> ListActivity(
        HttpRequest request, ActivityLog log, CancellationToken cancellationToken)
    {
        var errors = new List<ErrorDetail>();
        var limit = ReadInt(request, "limit", 20, 1, 100, errors);
        var offset = ReadInt(request, "offset", 0, 0, 1_000_000_000, errors);
        var query = new ActivityQuery(limit, offset, ReadText(request, "type", errors), ReadText(request, "channel", errors),
            ReadText(request, "skillId", errors), ReadText(request, "conversationId", errors));
        if (errors.Count > 0)
        {
            return ApiErrors.Validation(errors);
        }
        var (items, total) = await log.ListAsync(query, cancellationToken);
        return TypedResults.Ok(new ActivityPage(items, total));
    }

    private static int ReadInt(HttpRequest request, string name, int fallback, int min, int max, List<ErrorDetail> errors)
    {
        if (!request.Query.TryGetValue(name, out var values))
        {
            return fallback;
        }
        if (values.Count == 1 && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        errors.Add(new ErrorDetail("query", name, $"{name} must be a whole number from {min} to {max}"));
        return fallback;
    }

    private static string? ReadText(HttpRequest request, string name, List<ErrorDetail> errors)
    {
        if (!request.Query.TryGetValue(name, out var values))
        {
            return null;
        }
        if (values.Count == 1 && values[0] is { Length: >= 1 and <= 200 } text)
        {
            return text;
        }
        errors.Add(new ErrorDetail("query", name, $"{name} must be given once, 1 to 200 characters"));
        return null;
    }
}
