using OpenMotoko.Hosting;
using Polly;

namespace OpenMotoko.Providers;

/// <summary>
/// The HttpClient every provider uses: one named client per provider, so each has its own circuit
/// breaker. Tuned for LLM calls: retries 408, 429, 5xx and 529 (Anthropic's "overloaded") and
/// connection failures with backoff that honours Retry-After. Providers send with
/// HttpCompletionOption.ResponseHeadersRead, so the pipeline ends when the headers arrive: once a
/// stream has started, nothing is retried and no total timeout cuts a long answer short.
/// </summary>
internal static class ProviderHttp
{
    /// <summary>How long a provider may take to send response headers for one attempt.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromMinutes(3);

    /// <summary>How long one call may take to its response headers, retries and their waits included.</summary>
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromMinutes(10);

    /// <summary>How long a streaming body may stay silent before the call is abandoned.</summary>
    public static readonly TimeSpan StreamIdleTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The client for listing models: no retries, a short timeout, so /api/models answers promptly when a provider is down.</summary>
    public static string ListClientName(string providerId) => providerId + ".models";

    public static IHttpClientBuilder AddProviderHttpClient(this IServiceCollection services, string providerId)
    {
        services.AddHttpClient(ListClientName(providerId), client => client.Timeout = TimeSpan.FromSeconds(10));
        var builder = services.AddHttpClient(providerId, client => client.Timeout = Timeout.InfiniteTimeSpan);
        // Outermost first: total timeout, retry, circuit breaker, attempt timeout (the order of .NET's
        // standard resilience pipeline, without its concurrency limiter: a personal daemon has nothing to queue).
        builder.AddResilience(static (pipeline, tools) => pipeline
            .AddTimeout(TotalTimeout)
            .AddRetry(tools.Retry(maxRetries: 3, delay: TimeSpan.FromSeconds(1), maxDelay: TimeSpan.FromSeconds(60),
                static args => ResilientHttp.IsTransient(args.Outcome)))
            .AddCircuitBreaker(tools.CircuitBreaker(failureRatio: 0.8, minimumThroughput: 5,
                samplingDuration: AttemptTimeout * 2 + TimeSpan.FromSeconds(30), breakFor: TimeSpan.FromSeconds(30)))
            .AddTimeout(AttemptTimeout));
        return builder;
    }
}
