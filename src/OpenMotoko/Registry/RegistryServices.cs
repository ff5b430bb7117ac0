using OpenMotoko.Hosting;
using System.Net;
using Microsoft.Extensions.Http.Resilience;

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
            .AddStandardResilienceHandler(options =>
            {
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(30);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(2);
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(1);
                // A registry that is down is not retried: search falls back to the cached index at once.
                options.Retry.ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.StatusCode is
                    HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout);
                options.Retry.DisableForUnsafeHttpMethods(); // a rating is not posted twice
            });
        services.AddJsonContext(RegistryJsonContext.Default);
        return services;
    }
}
