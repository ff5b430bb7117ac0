using System.Net;
using Microsoft.Extensions.Http.Resilience;
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
        // The standard handler's strategies, in its order, without its concurrency limiter (a personal
        // daemon has nothing to queue) and so without the rate-limiting code in the binary.
        builder.AddResilienceHandler("provider", static pipeline => pipeline
            .AddTimeout(TotalTimeout)
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(60),
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
                SamplingDuration = AttemptTimeout * 2 + TimeSpan.FromSeconds(30),
                MinimumThroughput = 5,
                FailureRatio = 0.8,
                BreakDuration = TimeSpan.FromSeconds(30),
            })
            .AddTimeout(AttemptTimeout));
        return builder;
    }

    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => IsTransientStatus(response.StatusCode),
        { Exception: HttpRequestException or Polly.Timeout.TimeoutRejectedException } => true,
        _ => false,
    };

    public static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;
}
