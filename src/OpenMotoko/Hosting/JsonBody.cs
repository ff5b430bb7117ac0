using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OpenMotoko.Hosting;

/// <summary>
/// The one reader of JSON request bodies for request records that bind themselves
/// (<c>static BindAsync</c>): JSON content type (else 415), valid JSON (else 400 naming where it
/// broke), readable text (no lone surrogates), within the size limit (else 413, from Kestrel).
/// Failures are thrown as the exceptions <see cref="ErrorEnvelopeMiddleware"/> answers.
/// </summary>
internal static class JsonBody
{
    /// <summary>The body, or <c>default</c> (Undefined) when there is none and <paramref name="required"/> is false.</summary>
    public static async ValueTask<JsonElement> ReadAsync(HttpContext context, bool required)
    {
        var request = context.Request;
        if (request.ContentLength == 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0))
        {
            return required ? throw Malformed("The request needs a JSON body.", "$") : default;
        }
        if (!request.HasJsonContentType())
        {
            throw new BadHttpRequestException("The body is not JSON.", StatusCodes.Status415UnsupportedMediaType);
        }
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, default, context.RequestAborted);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new BadHttpRequestException("The request body is not valid JSON.", StatusCodes.Status400BadRequest, ex);
        }
        if (JsonText.Check(body) is { } unreadable)
        {
            throw ApiException.Validation([unreadable]);
        }
        return body;
    }

    /// <summary>
    /// A required body as <typeparamref name="T"/>: read as above, then converted without another
    /// async pass. (No code path deserializes JSON asynchronously: that would give each of the
    /// several hundred JSON contracts its own async state machines; docs/benchmarks.md.)
    /// </summary>
    public static async ValueTask<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type) =>
        As(await ReadAsync(context, required: true), type);

    private static T As<T>(JsonElement body, JsonTypeInfo<T> type)
    {
        T? value;
        try
        {
            value = body.Deserialize(type);
        }
        catch (JsonException ex)
        {
            throw new BadHttpRequestException("The request body is not valid JSON.", StatusCodes.Status400BadRequest, ex);
        }
        return value ?? throw Malformed("The body must be a JSON object.", "$");
    }

    private static ApiException Malformed(string message, string path) => ApiException.Validation("body", path, message);
}
