using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OpenMotoko.Hosting;

/// <summary>The error envelope of docs/api.md, used by every error under /api.</summary>
internal sealed record ApiError(
    string Error,
    string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ErrorDetail>? Details = null);

/// <summary>One validation problem: where (<c>field</c>, <c>path</c>) and what.</summary>
internal sealed record ErrorDetail(string Field, string Path, string Message);

internal static class ErrorCodes
{
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Forbidden = "FORBIDDEN";
    public const string NotFound = "NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string Validation = "VALIDATION_ERROR";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string MisdirectedRequest = "MISDIRECTED_REQUEST";
    public const string LoginLocked = "LOGIN_LOCKED";
    public const string RateLimited = "RATE_LIMIT_EXCEEDED";
    public const string Conflict = "CONFLICT";
    public const string PreconditionFailed = "PRECONDITION_FAILED";
    public const string Unavailable = "UNAVAILABLE";
    public const string BudgetExceeded = "BUDGET_EXCEEDED";
    public const string LlmError = "LLM_ERROR";
    public const string Cancelled = "CANCELLED";
    public const string Internal = "INTERNAL_ERROR";
}

/// <summary>The one place error results are made, so every error has the same shape.</summary>
internal static class ApiErrors
{
    /// <summary>The envelope's contract with apostrophes and quotes in messages left readable ("isn't", not "isn\u0027t").</summary>
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<ApiError> Readable =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<ApiError>)new System.Text.Json.JsonSerializerOptions(HostingJsonContext.Default.Options)
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }.GetTypeInfo(typeof(ApiError));

    public static JsonHttpResult<ApiError> Of(int status, string code, string message, IReadOnlyList<ErrorDetail>? details = null) =>
        TypedResults.Json(new ApiError(message, code, details), Readable, statusCode: status);

    public static JsonHttpResult<ApiError> Validation(IReadOnlyList<ErrorDetail> details) =>
        Of(StatusCodes.Status400BadRequest, ErrorCodes.Validation,
            details.Count == 1 ? details[0].Message : $"The request has {details.Count} invalid values.", details);

    public static JsonHttpResult<ApiError> Validation(string path, string message) =>
        Validation([new ErrorDetail("body", path, message)]);

    public static JsonHttpResult<ApiError> NotFound(string message) =>
        Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound, message);

    public static JsonHttpResult<ApiError> Unauthorized(string message = "Log in first: send the session cookie or 'Authorization: Bearer <token>'.") =>
        Of(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, message);

    /// <summary>Writes an envelope straight to the response (middleware, where no endpoint result exists).</summary>
    public static Task WriteAsync(HttpContext context, int status, string code, string message, IReadOnlyList<ErrorDetail>? details = null)
    {
        if (OpenAiCompat.CompatErrors.Owns(context.Request.Path))
        {
            // OpenAI clients read only their own error shape, whatever the failure (404, 405, 413, 429 ...).
            return OpenAiCompat.CompatErrors.WriteAsync(context, status, OpenAiCompat.CompatErrors.TypeFor(status), code.ToLowerInvariant(), message);
        }
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ApiError(message, code, details), Readable,
            contentType: "application/json; charset=utf-8", cancellationToken: context.RequestAborted);
    }
}
