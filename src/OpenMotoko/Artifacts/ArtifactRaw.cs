using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using OpenMotoko.Hosting;

namespace OpenMotoko.Artifacts;

/// <summary>
/// GET /api/artifacts/:id/raw: the latest content (or ?version=N) with its own content type. HTML and
/// SVG can carry script, so they are sandboxed by CSP (an opaque origin, no script, nothing loaded
/// from elsewhere) and downloaded as attachments unless ?inline=true; the sandbox stays on inline
/// too, and only then may the daemon's own pages (the web app's preview) frame them.
/// </summary>
internal static class ArtifactRaw
{
    private const string SandboxPolicy = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:";
    private const string FramedByApp = SandboxPolicy + "; frame-ancestors 'self'";
    private const string NeverFramed = SandboxPolicy + "; frame-ancestors 'none'";

    public static async Task<Results<FileContentHttpResult, JsonHttpResult<ApiError>>> Get(
        string id, HttpRequest request, HttpResponse response, [FromServices] ArtifactStore store, CancellationToken cancellationToken)
    {
        var inline = request.Query["inline"];
        if (inline.Count > 1 || (inline.Count == 1 && inline[0] is not ("true" or "false")))
        {
            return ApiErrors.Of(StatusCodes.Status400BadRequest, ErrorCodes.Validation, "inline must be true or false",
                [new ErrorDetail("query", "inline", "inline must be true or false")]);
        }
        var version = request.Query["version"];
        long? number = null;
        if (version.Count > 0)
        {
            if (version is not [{ } text] || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
            {
                return ApiErrors.Of(StatusCodes.Status400BadRequest, ErrorCodes.Validation, "version must be a whole number from 1",
                    [new ErrorDetail("query", "version", "version must be a whole number from 1")]);
            }
            number = parsed;
        }
        if (await store.GetAsync(id, number, cancellationToken) is not { } artifact)
        {
            return number is not null && await store.GetAsync(id, null, cancellationToken) is not null
                ? ApiErrors.NotFound($"Artifact '{id}' has no version {number}.")
                : ArtifactsApi.NotFound(id);
        }
        var (contentType, extension, active) = Describe(artifact);
        var framed = active && inline is ["true"];
        var disposition = new ContentDispositionHeaderValue(active && !framed ? "attachment" : "inline");
        disposition.SetHttpFileName(FileName(artifact.Title) + extension);
        response.Headers.ContentDisposition = disposition.ToString();
        if (active)
        {
            response.Headers.ContentSecurityPolicy = framed ? FramedByApp : NeverFramed;
            if (framed)
            {
                response.Headers.XFrameOptions = "SAMEORIGIN"; // for browsers without frame-ancestors; the sandbox still holds
            }
        }
        ArtifactsApi.SetETag(response, artifact.Version);
        return TypedResults.File(Encoding.UTF8.GetBytes(artifact.Content), contentType);
    }

    /// <summary>The content type, the file extension, and whether the content is active (may run script when rendered).</summary>
    private static (string ContentType, string Extension, bool Active) Describe(Artifact artifact) => artifact.Type switch
    {
        "markdown" => ("text/markdown; charset=utf-8", ".md", false),
        "html" => ("text/html; charset=utf-8", ".html", true),
        "svg" => ("image/svg+xml", ".svg", true),
        "mermaid" => ("text/plain; charset=utf-8", ".mmd", false),
        "json" => ("application/json; charset=utf-8", ".json", false),
        "code" => ("text/plain; charset=utf-8", CodeExtension(artifact.Language), false),
        _ => ("text/plain; charset=utf-8", ".txt", false),
    };

    private static string CodeExtension(string? language) => language?.ToLowerInvariant() switch
    {
        "python" or "py" => ".py",
        "javascript" or "js" => ".js",
        "typescript" or "ts" => ".ts",
        "c#" or "csharp" or "cs" => ".cs",
        "go" => ".go",
        "rust" or "rs" => ".rs",
        "java" => ".java",
        "bash" or "sh" or "shell" => ".sh",
        "sql" => ".sql",
        "css" => ".css",
        "yaml" or "yml" => ".yaml",
        { Length: > 0 and <= 10 } other when other.All(char.IsAsciiLetterOrDigit) => "." + other,
        _ => ".txt",
    };

    /// <summary>The title as a file name: letters, digits, - and _ kept, everything else a dash.</summary>
    private static string FileName(string title)
    {
        var name = new StringBuilder(Math.Min(title.Length, 80));
        foreach (var c in title.AsSpan(0, Math.Min(title.Length, 80)))
        {
            name.Append(char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-');
        }
        var trimmed = name.ToString().Trim('-');
        return trimmed.Length == 0 ? "artifact" : trimmed;
    }
}
