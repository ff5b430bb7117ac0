using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace OpenMotoko.Tests.Hosting;

public sealed class RouteParameterTests
{
    /// <summary>
    /// The request-delegate generator cannot tell a service from a JSON body at compile time. A
    /// service parameter without [FromServices] makes it emit, per parameter, a run-time check, a
    /// JSON contract for the service type and an awaited body reader on every request (about
    /// 0.65 MB of the binary for ~130 parameters, see docs/benchmarks.md).
    /// </summary>
    [Fact]
    public async Task Every_route_handler_names_its_services()
    {
        await using var app = await TestApp.StartAsync();
        var isService = app.Services.GetRequiredService<IServiceProviderIsService>();
        var handlers = app.Services.GetServices<EndpointDataSource>()
            .SelectMany(source => source.Endpoints)
            .Select(endpoint => endpoint.Metadata.GetMetadata<MethodInfo>())
            .OfType<MethodInfo>()
            .Distinct()
            .ToList();
        Assert.True(handlers.Count > 50, $"only {handlers.Count} handlers found");

        var unnamed = handlers
            .SelectMany(handler => handler.GetParameters().Select(parameter => (handler, parameter)))
            .Where(p => p.parameter.ParameterType != typeof(CancellationToken)
                && isService.IsService(p.parameter.ParameterType)
                && !p.parameter.GetCustomAttributes().OfType<IFromServiceMetadata>().Any())
            .Select(p => $"{p.handler.DeclaringType?.Name}.{p.handler.Name}({p.parameter.ParameterType.Name} {p.parameter.Name})")
            .ToList();
        Assert.True(unnamed.Count == 0, "service parameters without [FromServices]: " + string.Join(", ", unnamed));
    }

    /// <summary>
    /// One asynchronous JSON read anywhere ([FromBody], ReadFromJsonAsync, DeserializeAsync) gives
    /// every JSON contract in the binary its async read state machines: 6 200 types, 1 MB, and
    /// 0.8 to 1.6 ms of every start (docs/benchmarks.md). Bodies bind through JsonBody; answers are read as
    /// bytes and deserialized synchronously.
    /// </summary>
    [Fact]
    public async Task No_route_handler_has_the_framework_read_its_JSON_body()
    {
        await using var app = await TestApp.StartAsync();
        var reading = app.Services.GetServices<EndpointDataSource>()
            .SelectMany(source => source.Endpoints)
            .Where(endpoint => endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is { RequestType: not null })
            .Select(endpoint => endpoint.DisplayName)
            .ToList();
        Assert.True(reading.Count == 0, "endpoints whose body the framework deserializes: " + string.Join(", ", reading));
    }

    [Fact]
    public void No_code_deserializes_JSON_asynchronously()
    {
        var source = Path.Combine(TestPaths.RepositoryRoot(), "src", "OpenMotoko");
        string[] asynchronous = ["DeserializeAsync(", "DeserializeAsyncEnumerable(", "ReadFromJsonAsync(", "GetFromJsonAsync(", "[FromBody]"];
        var files = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count > 100, $"only {files.Count} sources found under {source}");
        var found = files
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (path, line, index)))
            .Where(l => asynchronous.Any(call => l.line.Contains(call, StringComparison.Ordinal)))
            .Select(l => $"{Path.GetRelativePath(source, l.path)}:{l.index + 1}")
            .ToList();
        Assert.True(found.Count == 0, "asynchronous JSON reads: " + string.Join(", ", found));
    }
}
