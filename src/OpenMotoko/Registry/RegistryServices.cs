using OpenMotoko.Hosting;
using System.Net;
using Polly;

namespace OpenMotoko.Registry;

internal static class RegistryServices
{
    public static IServiceCollection AddRegistry(this IServiceCollection services)
    {
        services.AddSingleton<RegistryClient>();
        services.AddSingleton<RegistryStore>();
        services.AddSingleton<RegistryIndexCache>();
        services.AddSingleton<RegistryInstaller>();
        services.AddHttpClient(RegistryClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilience(static (pipeline, tools) => pipeline
                .AddTimeout(TimeSpan.FromMinutes(2))
                // A registry that is down is not retried: search falls back to the cached index at once.
                // Nor is a request that changes something (a rating is not posted twice).
                .AddRetry(tools.Retry(maxRetries: 3, delay: TimeSpan.FromSeconds(2), maxDelay: TimeSpan.FromSeconds(30), static args =>
                    !ResilientHttp.IsUnsafe(args.Context) && args.Outcome.Result?.StatusCode is
                        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout))
                .AddCircuitBreaker(tools.CircuitBreaker(failureRatio: 0.1, minimumThroughput: 100,
                    samplingDuration: TimeSpan.FromMinutes(1), breakFor: TimeSpan.FromSeconds(5)))
                .AddTimeout(TimeSpan.FromSeconds(30)));
        services.AddJsonContext(RegistryJsonContext.Default);
        return services;
    }
}
