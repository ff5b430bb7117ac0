using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Primitives;

namespace OpenMotoko.Hosting;

/// <summary>A request (a query bound with [AsParameters], a body) that checks itself; see <see cref="ValidationFilter{T}"/>.</summary>
internal interface IValidatable
{
    /// <summary>Adds one detail per problem (field "query" or "body", the path, a message that says what to send).</summary>
    void Validate(List<ErrorDetail> errors);
}

/// <summary>
/// The one place requests are validated: runs <see cref="IValidatable.Validate"/> on the endpoint's
/// <typeparamref name="T"/> argument and answers 400 VALIDATION_ERROR with the details when it finds
/// problems, before the handler runs. Generic over the request type, so no reflection is needed.
/// </summary>
internal sealed class ValidationFilter<T> : IEndpointFilter where T : IValidatable
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is T request)
            {
                var errors = new List<ErrorDetail>();
                request.Validate(errors);
                if (errors.Count > 0)
                {
                    return ValueTask.FromResult<object?>(ApiErrors.Validation(errors));
                }
            }
        }
        return next(context);
    }
}

internal static class ValidationExtensions
{
    /// <summary>Validates the endpoint's <typeparamref name="T"/> argument before the handler runs.</summary>
    public static RouteHandlerBuilder Validated<T>(this RouteHandlerBuilder builder) where T : IValidatable =>
        builder.AddEndpointFilter(new ValidationFilter<T>());
}

/// <summary>The one reader of query-string values, with one wording for its errors.</summary>
internal static class QueryValues
{
    /// <summary>An optional whole number from <paramref name="min"/> to <paramref name="max"/>, given at most once.</summary>
    public static int Int(StringValues values, string name, int fallback, int min, int max, List<ErrorDetail> errors)
    {
        if (values.Count == 0 || (values.Count == 1 && string.IsNullOrEmpty(values[0])))
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

    /// <summary>An optional text of 1 to <paramref name="maxLength"/> characters, given at most once.</summary>
    public static string? Text(StringValues values, string name, int maxLength, List<ErrorDetail> errors)
    {
        if (values.Count == 0)
        {
            return null;
        }
        if (values.Count == 1 && values[0] is { Length: >= 1 } text && text.Length <= maxLength)
        {
            return text;
        }
        errors.Add(new ErrorDetail("query", name, $"{name} must be given once, 1 to {maxLength} characters"));
        return null;
    }
}

/// <summary>
/// ?limit (1–100, default 20) and ?offset (default 0) of every list that can grow, bound with
/// [AsParameters] and checked by <see cref="ValidationFilter{T}"/>. Values bind as arrays (null when
/// absent) so that a repeated parameter is seen and refused rather than joined.
/// </summary>
internal sealed record PageQuery([FromQuery(Name = "limit")] string[] Limit = null!, [FromQuery(Name = "offset")] string[] Offset = null!) : IValidatable
{
    public const int MaxOffset = 1_000_000_000;

    public int Take => QueryValues.Int(Limit, "limit", 20, 1, 100, []);

    public int Skip => QueryValues.Int(Offset, "offset", 0, 0, MaxOffset, []);

    public void Validate(List<ErrorDetail> errors)
    {
        QueryValues.Int(Limit, "limit", 20, 1, 100, errors);
        QueryValues.Int(Offset, "offset", 0, 0, MaxOffset, errors);
    }
}
