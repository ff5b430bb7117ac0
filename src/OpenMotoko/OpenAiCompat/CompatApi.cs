using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Auth;
using OpenMotoko.Events;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;

namespace OpenMotoko.OpenAiCompat;

/// <summary>
/// The OpenAI-compatible endpoint: any OpenAI client can use the daemon as its backend with the
/// session token as its API key. Errors use OpenAI's shape, not our envelope.
/// </summary>
internal static class CompatApi
{
    /// <summary>Where /v1 calls happen: no run, no conversation; "v1" is their channel in the activity feed.</summary>
    private static readonly EventScope Scope = new(null, null, "v1");

    public static RouteGroupBuilder MapOpenAiCompat(this IEndpointRouteBuilder routes)
    {
        // Public to the access middleware so a missing session is answered in OpenAI's shape by the filter below.
        var group = routes.MapGroup("/v1").Public();
        group.AddEndpointFilter(RequireSession);
        group.MapGet("/models", ListModels);
        group.MapPost("/chat/completions", CompleteAsync);
        return group;
    }

    private static async ValueTask<object?> RequireSession(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.Features.Get<Session>() is null)
        {
            var hasToken = context.HttpContext.Request.Headers.Authorization.Count > 0;
            return CompatErrors.Result(StatusCodes.Status401Unauthorized, "invalid_request_error", "invalid_api_key",
                hasToken ? "Incorrect API key: the session token is unknown or has expired. Log in again (POST /api/auth/login)."
                         : "Missing API key: send the daemon's session token as 'Authorization: Bearer <token>'.");
        }
        return await next(context);
    }

    private static async Task<IResult> ListModels(
        [FromServices] IEnumerable<ILlmProvider> providers, [FromServices] TimeProvider time, [FromServices] ProviderReachability reachability, [FromServices] ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("OpenMotoko.OpenAiCompat");
        var configured = providers.Where(p => p.IsConfigured).ToList();
        var listed = await Task.WhenAll(configured.Select(p => ModelsApi.DescribeAsync(p, time, reachability, logger, cancellationToken)));
        var data = listed.SelectMany(p => p.Models.Select(m => new CompatModel($"{p.Id}/{m.Id}", "model", 0, p.Id))).ToList();
        return TypedResults.Json(new CompatModelList("list", data), CompatJsonContext.Default.CompatModelList);
    }

    private static async Task CompleteAsync(
        HttpContext context, [FromServices] ModelSelector selector, [FromServices] ProviderRouter router, [FromServices] TimeProvider time, CancellationToken cancellationToken)
    {
        // Only JSON: a form or text/plain body is what a cross-site page can send without asking.
        if (!context.Request.HasJsonContentType())
        {
            await CompatErrors.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "invalid_request_error", "unsupported_media_type",
                "Send the body as JSON with 'Content-Type: application/json'.");
            return;
        }
        JsonElement body;
        try
        {
            body = (await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken)).RootElement;
        }
        catch (JsonException ex)
        {
            await CompatErrors.WriteAsync(context, 400, "invalid_request_error", null, $"The body is not valid JSON: {ex.Message}");
            return;
        }
        if (JsonText.FindInvalid(body) is { } unreadable)
        {
            await CompatErrors.WriteAsync(context, 400, "invalid_request_error", null,
                $"{unreadable} contains text that is not valid UTF-8 (a broken byte sequence or a lone surrogate escape).");
            return;
        }
        var (request, problem) = CompatRequestReader.Read(body);
        if (request is null)
        {
            await CompatErrors.WriteAsync(context, 400, "invalid_request_error", null, problem!);
            return;
        }

        ModelChoice choice;
        try
        {
            // Resolved once, by the same rules as a turn; the call passes the same budget guard and is published on the same bus.
            choice = selector.Resolve(request.Model);
        }
        catch (ApiException ex) when (CompatErrors.Describe(ex) is { } error)
        {
            await CompatErrors.WriteAsync(context, error.Status, error.Type, error.Code, error.Message);
            return;
        }
        var id = $"chatcmpl-{Guid.NewGuid():N}";
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var events = router.StreamAsync(choice, request.Chat, Scope, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (events)
        {
            bool any;
            try
            {
                any = await events.MoveNextAsync();
            }
            catch (Exception ex) when (CompatErrors.Describe(ex) is { } error)
            {
                await CompatErrors.WriteAsync(context, error.Status, error.Type, error.Code, error.Message);
                return;
            }
            var writer = new CompatResponseWriter(context, id, created, request);
            try
            {
                while (any)
                {
                    await writer.AddAsync(events.Current, cancellationToken);
                    any = await events.MoveNextAsync();
                }
            }
            catch (Exception ex) when (CompatErrors.Describe(ex) is { } error)
            {
                await writer.FailAsync(error, cancellationToken);
                return;
            }
            await writer.FinishAsync(cancellationToken);
        }
    }
}

/// <summary>A /v1 error: status, OpenAI type and code, message.</summary>
internal sealed record CompatFailure(int Status, string Type, string? Code, string Message);

internal static class CompatErrors
{
    /// <summary>Maps a failure of a routed call to OpenAI's error; null for anything that is a bug.</summary>
    public static CompatFailure? Describe(Exception ex) => ex switch
    {
        ApiException { StatusCode: 429 } stop => new(429, "insufficient_quota", stop.Code.ToLowerInvariant(), stop.Message),
        ApiException { StatusCode: >= 400 and < 500 } stop => new(stop.StatusCode, "invalid_request_error", stop.Code.ToLowerInvariant(), stop.Message),
        ApiException stop => new(stop.StatusCode, "api_error", stop.Code.ToLowerInvariant(), stop.Message),
        LlmException llm => new(502, "api_error", "upstream_error", llm.Message),
        _ => null,
    };

    /// <summary>Whether an error for this path is answered in OpenAI's shape rather than our envelope.</summary>
    public static bool Owns(PathString path) => path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase);

    /// <summary>OpenAI's error type for a status the daemon answers itself (not a provider's).</summary>
    public static string TypeFor(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "invalid_request_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    public static IResult Result(int status, string type, string? code, string message) =>
        TypedResults.Json(new CompatError(new CompatErrorBody(message, type, code)), CompatJsonContext.Default.CompatError, statusCode: status);

    public static Task WriteAsync(HttpContext context, int status, string type, string? code, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new CompatError(new CompatErrorBody(message, type, code)), CompatJsonContext.Default.CompatError,
            contentType: "application/json; charset=utf-8", cancellationToken: context.RequestAborted);
    }
}
