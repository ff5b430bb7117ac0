using Microsoft.Extensions.Primitives;
using OpenMotoko.Hosting;

namespace OpenMotoko.WebApp;

/// <summary>
/// Serves the embedded web app for GET and HEAD requests no route matched: a file by its path, the
/// page for any other path outside /api, /v1 and /ws (client-side routes), 404 for a missing file
/// name (a path whose last segment has a dot, or anything under /assets/). Runs after routing and
/// before the access check: the app's files are public, the API behind them is not.
/// </summary>
internal sealed class WebAppMiddleware(RequestDelegate next, WebAssets assets)
{
    /// <summary>The policy of every file of the app: its own scripts and styles only, no inline code, no eval.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-src 'self' blob:; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; " +
        "form-action 'self'; frame-ancestors 'none'";

    private static readonly StringValues Policy = ContentSecurityPolicy;
    private static readonly StringValues ImmutableCache = "public, max-age=31536000, immutable";
    private static readonly StringValues Revalidate = "no-cache";
    private static readonly StringValues VaryEncoding = "Accept-Encoding";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (context.GetEndpoint() is not null || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) ||
            IsApiPath(request.Path.Value ?? "/"))
        {
            return next(context);
        }
        var path = request.Path.Value ?? "/";
        var asset = assets.Find(path);
        if (asset is null && LooksLikeFile(path))
        {
            return ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"No file {path}.");
        }
        asset ??= assets.Index;
        return asset is null ? next(context) : WriteAsync(context, asset);
    }

    private static async Task WriteAsync(HttpContext context, WebAsset asset)
    {
        var encoding = AcceptEncoding.Choose(context.Request.Headers.AcceptEncoding, asset.HasBrotli, asset.HasGzip);
        var etag = asset.ETag(encoding);
        var response = context.Response;
        var headers = response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.CacheControl = asset.Immutable ? ImmutableCache : Revalidate;
        headers.Vary = VaryEncoding;
        headers.ETag = etag;
        if (Matches(context.Request.Headers.IfNoneMatch, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.ContentType = asset.ContentType;
        if (encoding is not null)
        {
            headers.ContentEncoding = encoding;
        }
        var (content, length) = asset.Open(encoding);
        await using var stream = content;
        response.ContentLength = length;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await stream.CopyToAsync(response.Body, context.RequestAborted);
        }
    }

    /// <summary>If-None-Match: "*" or a list of tags, weak ones compared weakly (RFC 9110 13.1.2).</summary>
    private static bool Matches(StringValues ifNoneMatch, string etag)
    {
        foreach (var value in ifNoneMatch)
        {
            foreach (var part in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var tag = part.StartsWith("W/", StringComparison.Ordinal) ? part[2..] : part;
                if (tag == "*" || string.Equals(tag, etag, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool IsApiPath(string path) => HasRoot(path, "/api") || HasRoot(path, "/v1") || HasRoot(path, "/ws");

    private static bool HasRoot(string path, string root) =>
        path.StartsWith(root, StringComparison.OrdinalIgnoreCase) && (path.Length == root.Length || path[root.Length] == '/');

    private static bool LooksLikeFile(string path) =>
        path.StartsWith("/assets/", StringComparison.Ordinal) || path[(path.LastIndexOf('/') + 1)..].Contains('.', StringComparison.Ordinal);
}
