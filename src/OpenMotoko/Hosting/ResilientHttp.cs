using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace OpenMotoko.Hosting;

/// <summary>
/// Retries, a circuit breaker and timeouts for a named HttpClient, as Polly strategies run by one
/// delegating handler. The pipeline is built once per client name, so its circuit breaker outlives
/// the handler rotations of IHttpClientFactory, and it waits on the daemon's TimeProvider.
/// </summary>
/// <remarks>
/// Microsoft.Extensions.Http.Resilience would do the same through its DI, options validation and
/// telemetry layers; those brought about 0.4 MB into a binary whose size is a target
/// (docs/benchmarks.md), and the daemon exports no metrics. The strategies are the same Polly ones.
/// </remarks>
internal static class ResilientHttp
{
    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("openmotoko.http.request");

    /// <summary>Runs every request of the client <paramref name="builder"/> names through the pipeline <paramref name="configure"/> builds.</summary>
    public static IHttpClientBuilder AddResilience(this IHttpClientBuilder builder,
        Action<ResiliencePipelineBuilder<HttpResponseMessage>, ResilienceTools> configure)
    {
        var name = builder.Name;
        builder.Services.AddKeyedSingleton(name, (services, _) =>
        {
            var time = services.GetRequiredService<TimeProvider>();
            var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = name, TimeProvider = time };
            configure(pipeline, new ResilienceTools(name, time, services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenMotoko.Http")));
            return pipeline.Build();
        });
        return builder.AddHttpMessageHandler(services =>
            new Handler(services.GetRequiredKeyedService<ResiliencePipeline<HttpResponseMessage>>(name)));
    }

    /// <summary>408, 429, 5xx, a connection failure or an attempt that timed out: worth another try.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => IsTransientStatus(response.StatusCode),
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        _ => false,
    };

    private static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>POST, PUT, PATCH, DELETE: a request that may have had its effect although its answer was lost.</summary>
    public static bool IsUnsafe(ResilienceContext context) =>
        context.Properties.TryGetValue(RequestKey, out var request) && request.Method != HttpMethod.Get && request.Method != HttpMethod.Head
        && request.Method != HttpMethod.Options;

    /// <summary>What a pipeline's strategies share: the client's name, the clock and where retries are logged.</summary>
    public sealed class ResilienceTools(string name, TimeProvider time, ILogger logger)
    {
        /// <summary>
        /// Exponential backoff with jitter that waits what a Retry-After header asks instead when the
        /// answer has one, logging each retry (status or exception type only: URLs can hold keys).
        /// </summary>
        public RetryStrategyOptions<HttpResponseMessage> Retry(int maxRetries, TimeSpan delay, TimeSpan maxDelay,
            Func<RetryPredicateArguments<HttpResponseMessage>, bool> shouldRetry) => new()
        {
            MaxRetryAttempts = maxRetries,
            BackoffType = DelayBackoffType.Exponential,
            Delay = delay,
            MaxDelay = maxDelay,
            UseJitter = true,
            ShouldHandle = args => ValueTask.FromResult(shouldRetry(args)),
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
            OnRetry = args =>
            {
                HostingLog.Retrying(logger, name, Describe(args.Outcome), args.AttemptNumber + 1, args.RetryDelay.TotalSeconds);
                return ValueTask.CompletedTask;
            },
        };

        /// <summary>Stops calling a service that keeps failing, for <paramref name="breakFor"/>, and logs when it does.</summary>
        public CircuitBreakerStrategyOptions<HttpResponseMessage> CircuitBreaker(double failureRatio, int minimumThroughput,
            TimeSpan samplingDuration, TimeSpan breakFor) => new()
        {
            FailureRatio = failureRatio,
            MinimumThroughput = minimumThroughput,
            SamplingDuration = samplingDuration,
            BreakDuration = breakFor,
            ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
            OnOpened = args =>
            {
                HostingLog.CircuitOpened(logger, name, Describe(args.Outcome), args.BreakDuration.TotalSeconds);
                return ValueTask.CompletedTask;
            },
        };

        private TimeSpan? RetryAfter(HttpResponseMessage? response) => response?.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow() is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
            _ => null,
        };

        private static string Describe(Outcome<HttpResponseMessage> outcome) =>
            outcome.Result is { } response ? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : outcome.Exception?.GetType().Name ?? "no answer";
    }

    private sealed class Handler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            context.Properties.Set(RequestKey, request);
            try
            {
                return await pipeline.ExecuteAsync(static (context, state) =>
                    new ValueTask<HttpResponseMessage>(state.Handler.SendOnceAsync(state.Request, context.CancellationToken)),
                    context, (Handler: this, Request: request)).ConfigureAwait(false);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            base.SendAsync(request, cancellationToken);
    }
}
