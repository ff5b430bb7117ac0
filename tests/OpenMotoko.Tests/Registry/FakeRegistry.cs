using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenMotoko.Tests.Skills.Web;

namespace OpenMotoko.Tests.Registry;

/// <summary>
/// The example registry of Fixtures/registry served over real HTTP, as a static host would serve
/// it; tests may add packages (good or hostile) and make ratings fail.
/// </summary>
internal sealed class FakeRegistry : IAsyncDisposable
{
    private static readonly string FixtureRoot = Path.Combine(AppContext.BaseDirectory, "Registry", "Fixtures", "registry");
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private FakeHttpServer _server = null!;

    public ConcurrentQueue<string> Ratings { get; } = new();
    public int RatingStatus { get; set; } = StatusCodes.Status201Created;
    public Uri BaseAddress => _server.BaseAddress;

    /// <summary>The index the registry serves; edit it and call <see cref="Publish"/>.</summary>
    public JsonObject Index { get; private set; } = null!;

    public static async Task<FakeRegistry> StartAsync()
    {
        var registry = new FakeRegistry();
        foreach (var file in Directory.GetFiles(FixtureRoot, "*", SearchOption.AllDirectories))
        {
            registry._files[Path.GetRelativePath(FixtureRoot, file).Replace('\\', '/')] = await File.ReadAllBytesAsync(file);
        }
        registry.Index = JsonNode.Parse(registry._files["index.json"])!.AsObject();
        registry._server = await FakeHttpServer.StartAsync(web =>
        {
            web.MapGet("/{**path}", (string path) => registry._files.TryGetValue(path, out var bytes)
                ? Results.Bytes(bytes, path.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/octet-stream")
                : Results.NotFound());
            web.MapPost("/ratings", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                registry.Ratings.Enqueue(await reader.ReadToEndAsync());
                return Results.StatusCode(registry.RatingStatus);
            });
        });
        return registry;
    }

    /// <summary>Adds a package and its index entry (sha256 and size of the bytes unless overridden).</summary>
    public void AddPackage(string id, string fileName, byte[] package, string? sha256 = null, long? size = null)
    {
        _files[$"packages/{fileName}"] = package;
        Index["entries"]!.AsArray().Add(new JsonObject
        {
            ["id"] = id, ["name"] = id, ["description"] = $"Test package {id}", ["version"] = "1.0.0", ["author"] = "tests",
            ["tags"] = new JsonArray("test"), ["verified"] = false, ["rating"] = 0, ["downloads"] = 0,
            ["sha256"] = sha256 ?? Convert.ToHexStringLower(SHA256.HashData(package)), ["size"] = size ?? package.Length,
            ["url"] = $"packages/{fileName}",
        });
        Publish();
    }

    public void Publish() => _files["index.json"] = System.Text.Encoding.UTF8.GetBytes(Index.ToJsonString());

    public Task StopAsync() => _server.StopAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A daemon whose registry.url points here (by env var, as a deployment would set it).</summary>
    public Task<TestApp> StartAppAsync() => TestApp.StartAsync(new()
    {
        ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
        ["OPENMOTOKO_REGISTRY_URL"] = BaseAddress.ToString().TrimEnd('/'),
    });
}
