using System.Text.Json;

namespace OpenMotoko.Hosting;

/// <summary>
/// Turns every failure into the error envelope of docs/api.md: exceptions (bad JSON, oversized bodies,
/// bugs) and the bodiless 404/405/415 answers of routing.
/// </summary>
internal sealed class ErrorEnvelopeMiddleware(RequestDelegate next, ILogger<ErrorEnvelopeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await WriteBadRequestAsync(context, ex);
            return;
        }
        catch (ApiException ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await ApiErrors.WriteAsync(context, ex.StatusCode, ex.Code, ex.Message, ex.Details);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away; nothing to answer
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            HostingLog.UnhandledException(logger, context.Request.Method, context.Request.Path, ex);
            context.Response.Clear();
            await ApiErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, ErrorCodes.Internal,
                "Something went wrong on the server. The details are in the daemon's log.");
            return;
        }

        var response = context.Response;
        if (response.HasStarted || response.ContentLength is not null || !string.IsNullOrEmpty(response.ContentType))
        {
            return;
        }
        switch (response.StatusCode)
        {
            case StatusCodes.Status404NotFound:
                await ApiErrors.WriteAsync(context, 404, ErrorCodes.NotFound, $"No route {context.Request.Method} {context.Request.Path}.");
                break;
            case StatusCodes.Status405MethodNotAllowed:
                await ApiErrors.WriteAsync(context, 405, ErrorCodes.MethodNotAllowed, $"{context.Request.Path} does not accept {context.Request.Method}.");
                break;
            case StatusCodes.Status415UnsupportedMediaType:
                await ApiErrors.WriteAsync(context, 415, ErrorCodes.UnsupportedMediaType, "Send the body as JSON with 'Content-Type: application/json'.");
                break;
            case StatusCodes.Status413PayloadTooLarge:
                await ApiErrors.WriteAsync(context, 413, ErrorCodes.PayloadTooLarge, "The request body is larger than the server accepts.");
                break;
            case StatusCodes.Status400BadRequest:
                await ApiErrors.WriteAsync(context, 400, ErrorCodes.Validation, "The request is malformed.");
                break;
        }
    }

    private static Task WriteBadRequestAsync(HttpContext context, BadHttpRequestException ex)
    {
        switch (ex.StatusCode)
        {
            case StatusCodes.Status413PayloadTooLarge:
                return ApiErrors.WriteAsync(context, 413, ErrorCodes.PayloadTooLarge, "The request body is larger than the server accepts.");
            case StatusCodes.Status415UnsupportedMediaType:
                return ApiErrors.WriteAsync(context, 415, ErrorCodes.UnsupportedMediaType, "Send the body as JSON with 'Content-Type: application/json'.");
        }
        if (FindJsonException(ex) is { } json)
        {
            return ApiErrors.WriteAsync(context, 400, ErrorCodes.Validation, "The request body is not valid JSON.",
                [new ErrorDetail("body", json.Path ?? "$", json.Message)]);
        }
        var message = ex.Message.Contains("body was not provided", StringComparison.OrdinalIgnoreCase) ||
                      ex.Message.Contains("Implicit body inferred", StringComparison.Ordinal)
            ? "The request needs a JSON body."
            : "The request is malformed.";
        return ApiErrors.WriteAsync(context, 400, ErrorCodes.Validation, message, [new ErrorDetail("body", "$", message)]);
    }

    private static JsonException? FindJsonException(Exception ex)
    {
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException json)
            {
                return json;
            }
        }
        return null;
    }
}
