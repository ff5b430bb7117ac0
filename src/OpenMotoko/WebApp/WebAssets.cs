using System.Buffers.Binary;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace OpenMotoko.WebApp;

/// <summary>
/// The web app's files, embedded at build time (WebApp.targets): a file worth compressing as its
/// precompressed variants only, "web.gz/&lt;path&gt;" and "web.br/&lt;path&gt;"; any other as it is, "web/&lt;path&gt;".
/// Only the names are read at start-up; a file's bytes are read when it is first served, and its
/// ETag is computed then, once.
/// </summary>
internal sealed class WebAssets
{
    private const string Plain = "web/", Gzip = "web.gz/", Brotli = "web.br/";
    private readonly Dictionary<string, WebAsset> _files;

    public WebAssets() : this(typeof(WebAssets).Assembly) { }

    public WebAssets(Assembly assembly)
    {
        var names = assembly.GetManifestResourceNames().ToHashSet(StringComparer.Ordinal);
        var files = new Dictionary<string, WebAsset>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var prefix = name.StartsWith(Plain, StringComparison.Ordinal) ? Plain : name.StartsWith(Gzip, StringComparison.Ordinal) ? Gzip : null;
            if (prefix is not null)
            {
                var path = name[prefix.Length..];
                var brotli = Brotli + path;
                files["/" + path] = new WebAsset(assembly, "/" + path, name, prefix == Gzip, names.Contains(brotli) ? brotli : null);
            }
        }
        _files = files;
        Index = _files.GetValueOrDefault("/index.html");
    }

    /// <summary>The page every client-side route gets; null when the build embedded no web app.</summary>
    public WebAsset? Index { get; }

    public int Count => _files.Count;

    /// <summary>The file at a request path ("/" is the page).</summary>
    public WebAsset? Find(string path) => path == "/" ? Index : _files.GetValueOrDefault(path);
}

/// <summary>
/// One embedded file: either as it is, or gzip-compressed (and then served decompressed to a client
/// that accepts no gzip), with or without a brotli variant.
/// </summary>
internal sealed class WebAsset(Assembly assembly, string path, string resource, bool gzipped, string? brotliResource)
{
    private string? _hash;

    public string Path { get; } = path;
    public bool HasBrotli => brotliResource is not null;
    public bool HasGzip => gzipped;
    public string ContentType { get; } = WebContentTypes.For(path);
    public bool IsHtml { get; } = path.EndsWith(".html", StringComparison.Ordinal);

    /// <summary>Vite names what it builds under /assets/ by content hash: such a name never changes its bytes.</summary>
    public bool Immutable { get; } = path.StartsWith("/assets/", StringComparison.Ordinal);

    /// <summary>The strong ETag of one representation: the content hash, with the encoding for a compressed one.</summary>
    public string ETag(string? encoding) => encoding is null ? $"\"{Hash}\"" : $"\"{Hash}-{encoding}\"";

    /// <summary>The bytes of one representation ("br", "gzip" or null for the file itself) and their length.</summary>
    public (Stream Content, long Length) Open(string? encoding)
    {
        if (encoding == "br" && brotliResource is not null)
        {
            var brotli = Resource(brotliResource);
            return (brotli, brotli.Length);
        }
        var stream = Resource(resource);
        if (!gzipped || encoding == "gzip")
        {
            return (stream, stream.Length);
        }
        // The gzip trailer's last four bytes are the original size (modulo 4 GB; the app's files are small).
        Span<byte> size = stackalloc byte[4];
        stream.Seek(-4, SeekOrigin.End);
        stream.ReadExactly(size);
        stream.Position = 0;
        return (new GZipStream(stream, CompressionMode.Decompress), BinaryPrimitives.ReadUInt32LittleEndian(size));
    }

    private Stream Resource(string name) => assembly.GetManifestResourceStream(name)!;

    private string Hash => _hash ??= ComputeHash();

    private string ComputeHash()
    {
        using var stream = Open(null).Content;
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
