using OpenMotoko.Hosting;
using System.Net;
using Microsoft.Extensions.Http.Resilience;
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
            .AddResilienceHandler("registry", static pipeline =>
            {
                var retry = new HttpRetryStrategyOptions
                {
                    // A registry that is down is not retried: search falls back to the cached index at once.
                    ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result?.StatusCode is
                        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout),
                };
                retry.DisableForUnsafeHttpMethods(); // a rating is not posted twice
                pipeline
                    .AddTimeout(TimeSpan.FromMinutes(2))
                    .AddRetry(retry)
                    .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions { SamplingDuration = TimeSpan.FromMinutes(1) })
                    .AddTimeout(TimeSpan.FromSeconds(30));
            });
        services.AddJsonContext(RegistryJsonContext.Default);
        return services;
    }
}
