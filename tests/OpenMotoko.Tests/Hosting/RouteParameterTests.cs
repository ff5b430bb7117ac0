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
}
