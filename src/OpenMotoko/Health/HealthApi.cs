using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;

namespace OpenMotoko.Health;

internal sealed record HealthResponse(string Status, string Version, long Uptime, long Timestamp);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;

internal static class HealthApi
{
    /// <summary>The daemon's clock (uptime counts from the build, not the first request) and the health answer's JSON.</summary>
    public static IServiceCollection AddHealth(this IServiceCollection services, TimeProvider time)
    {
        services.AddSingleton(new DaemonClock(time));
        services.AddJsonContext(HealthJsonContext.Default);
        return services;
    }

    public static IEndpointConventionBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        // Health is cheaper to serve than to count, so monitors are never rate limited.
        return routes.MapGet("/api/health", ([FromServices] DaemonClock clock) =>
        {
            var now = clock.Time.GetUtcNow();
            return TypedResults.Ok(new HealthResponse("ok", BuildInfo.Version, (long)(now - clock.StartedAt).TotalSeconds, now.ToUnixTimeMilliseconds()));
        }).Public(rateLimited: false);
    }
}

/// <summary>The daemon's clock and the moment it started.</summary>
internal sealed class DaemonClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;
    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();
}
