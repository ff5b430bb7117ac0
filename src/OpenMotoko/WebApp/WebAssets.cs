using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace OpenMotoko.WebApp;

/// <summary>
/// The web app's files, embedded at build time as "web/&lt;path&gt;" (WebApp.targets), each with its
/// precompressed ".br" and ".gz" variants when they are smaller. Only the names are read at start-up;
/// a file's bytes are read when it is first served, and its ETag is computed then, once.
/// </summary>
internal sealed class WebAssets
{
    private const string Prefix = "web/";
    private readonly FrozenDictionary<string, WebAsset> _files;

    public WebAssets() : this(typeof(WebAssets).Assembly) { }

    public WebAssets(Assembly assembly)
    {
        var names = assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var files = new Dictionary<string, WebAsset>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var isVariant = (name.EndsWith(".br", StringComparison.Ordinal) || name.EndsWith(".gz", StringComparison.Ordinal)) && names.Contains(name[..^3]);
            if (!isVariant)
            {
                var path = "/" + name[Prefix.Length..];
                files[path] = new WebAsset(assembly, path, name, names.Contains(name + ".br"), names.Contains(name + ".gz"));
            }
        }
        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
        Index = _files.GetValueOrDefault("/index.html");
    }

    /// <summary>The page every client-side route gets; null when the build embedded no web app.</summary>
    public WebAsset? Index { get; }

    public int Count => _files.Count;

    /// <summary>The file at a request path ("/" is the page).</summary>
    public WebAsset? Find(string path) => path == "/" ? Index : _files.GetValueOrDefault(path);
}

/// <summary>One embedded file and which precompressed variants it has.</summary>
internal sealed class WebAsset(Assembly assembly, string path, string resource, bool hasBrotli, bool hasGzip)
{
    private string? _hash;

    public string Path { get; } = path;
    public bool HasBrotli { get; } = hasBrotli;
    public bool HasGzip { get; } = hasGzip;
    public string ContentType { get; } = WebContentTypes.For(path);
    public bool IsHtml { get; } = path.EndsWith(".html", StringComparison.Ordinal);

    /// <summary>Vite names what it builds under /assets/ by content hash: such a name never changes its bytes.</summary>
    public bool Immutable { get; } = path.StartsWith("/assets/", StringComparison.Ordinal);

    /// <summary>The strong ETag of one representation: the content hash, with the encoding for a compressed one.</summary>
    public string ETag(string? encoding) => encoding is null ? $"\"{Hash}\"" : $"\"{Hash}-{encoding}\"";

    public Stream Open(string? encoding) =>
        assembly.GetManifestResourceStream(encoding switch { "br" => resource + ".br", "gzip" => resource + ".gz", _ => resource })!;

    private string Hash => _hash ??= ComputeHash();

    private string ComputeHash()
    {
        using var stream = Open(null);
        var digest = SHA256.HashData(stream);
        return Convert.ToBase64String(digest, 0, 18).Replace('+', '-').Replace('/', '_');
    }
}

internal static class WebContentTypes
{
    public static string For(string path) => System.IO.Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".webmanifest" => "application/manifest+json",
        ".json" or ".map" => "application/json; charset=utf-8",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".woff2" => "font/woff2",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
}
