using System.Collections.Concurrent;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenMotoko.Tests.Channels.Plugins;

/// <summary>
/// An npm registry on a loopback port serving one package made from a directory, as the real one
/// does: the package document (GET /NAME) with each version's tarball URL and integrity, and the
/// tarball (a gzipped tar with the files under package/).
/// </summary>
internal sealed class FakeNpmRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeNpmRegistry(WebApplication app) => _app = app;

    public string Url => _app.Urls.First() + "/";
    public ConcurrentQueue<string> Requests { get; } = new();

    public static async Task<FakeNpmRegistry> StartAsync(string packageDir)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(packageDir, "package.json")))!.AsObject();
        var (name, version) = (manifest["name"]!.GetValue<string>(), manifest["version"]!.GetValue<string>());
        var tarball = Tarball(packageDir);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var registry = new FakeNpmRegistry(app);
        app.Run(async context =>
        {
            var path = context.Request.Path.Value ?? "";
            registry.Requests.Enqueue(path);
            if (path == $"/{name}")
            {
                var published = manifest.DeepClone().AsObject();
                published["dist"] = new JsonObject
                {
                    ["tarball"] = $"{registry.Url}{name}/-/{name}-{version}.tgz",
                    ["shasum"] = Convert.ToHexStringLower(SHA1.HashData(tarball)),
                    ["integrity"] = "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball)),
                };
                var document = new JsonObject
                {
                    ["name"] = name,
                    ["dist-tags"] = new JsonObject { ["latest"] = version },
                    ["versions"] = new JsonObject { [version] = published },
                };
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(document.ToJsonString());
            }
            else if (path == $"/{name}/-/{name}-{version}.tgz")
            {
                context.Response.ContentType = "application/octet-stream";
                await context.Response.Body.WriteAsync(tarball);
            }
            else
            {
                context.Response.StatusCode = 404;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"error":"Not found"}""");
            }
        });
        await app.StartAsync();
        return registry;
    }

    private static byte[] Tarball(string dir)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            {
                tar.WriteEntry(file, "package/" + Path.GetFileName(file));
            }
        }
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
