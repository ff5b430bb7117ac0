using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenMotoko.Hosting;
using OpenMotoko.Tests.Auth;
using OpenMotoko.Tests.Providers.Fakes;
using Polly;
using Polly.CircuitBreaker;

namespace OpenMotoko.Tests.Hosting;

/// <summary>The retry and circuit-breaker handler against a real HTTP server, on a fake clock.</summary>
public sealed class ResilientHttpTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_retry_after_date_is_waited_on_the_clock_and_the_retry_is_logged_without_the_url()
    {
        await using var server = await WireFakeServer.StartAsync();
        var clock = new TestClock(Start);
        server.EnqueueJson(503, "{}", ("Retry-After", (Start + TimeSpan.FromSeconds(5)).ToString("R", CultureInfo.InvariantCulture)));
        server.EnqueueJson(200, "{}");
        using var services = Services(clock, out var logs, static (pipeline, tools) => pipeline
            .AddRetry(tools.Retry(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), static args => ResilientHttp.IsTransient(args.Outcome))));

        var call = Client(services).GetAsync(server.BaseUrl + "/models?key=sk-secret-in-query");
        await clock.WaitForTimerDueInAsync(TimeSpan.FromSeconds(5), "the wait Retry-After asks for");
        Assert.Single(server.Requests);
        clock.Advance(TimeSpan.FromSeconds(5));
        using var response = await call;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(1, logs.Count("probe: attempt answered 503; retry 1 in 5 s"));
        Assert.Equal(0, logs.Count("sk-secret"));
    }

    [Fact]
    public async Task A_request_that_changes_something_is_not_retried_but_a_read_is()
    {
        await using var server = await WireFakeServer.StartAsync();
        server.EnqueueJson(503, "{}");
        server.EnqueueJson(503, "{}", ("Retry-After", "0"));
        server.EnqueueJson(200, "{}");
        using var services = Services(new TestClock(Start), out _, static (pipeline, tools) => pipeline
            .AddRetry(tools.Retry(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60),
                static args => !ResilientHttp.IsUnsafe(args.Context) && ResilientHttp.IsTransient(args.Outcome))));
        var client = Client(services);

        using (var posted = await client.PostAsync(server.BaseUrl + "/ratings", new StringContent("{}")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, posted.StatusCode);
            Assert.Single(server.Requests);
        }
        using var read = await client.GetAsync(server.BaseUrl + "/index");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(["POST", "GET", "GET"], server.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task After_repeated_failures_every_client_of_the_name_fails_fast_until_the_break_is_over()
    {
        await using var server = await WireFakeServer.StartAsync();
        // Nothing scripted: the fake answers 500 to everything until told otherwise.
        var clock = new TestClock(Start);
        using var services = Services(clock, out var logs, static (pipeline, tools) => pipeline
            .AddCircuitBreaker(tools.CircuitBreaker(failureRatio: 0.5, minimumThroughput: 2,
                samplingDuration: TimeSpan.FromSeconds(30), breakFor: TimeSpan.FromSeconds(30))));

        for (var i = 0; i < 2; i++)
        {
            using var failed = await Client(services).GetAsync(server.BaseUrl + "/");
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }
        // A new client (a new handler, as the factory rotates them) shares the open circuit.
        await Assert.ThrowsAsync<BrokenCircuitException>(() => Client(services).GetAsync(server.BaseUrl + "/"));

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(1, logs.Count("probe: too many failures (the last: 500); no calls for 30 s"));
        clock.Advance(TimeSpan.FromSeconds(31));
        server.EnqueueJson(200, "{}");
        using var recovered = await Client(services).GetAsync(server.BaseUrl + "/");
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal(3, server.Requests.Count);
    }

    private static ServiceProvider Services(TestClock clock, out CapturedLogs logs,
        Action<ResiliencePipelineBuilder<HttpResponseMessage>, ResilientHttp.ResilienceTools> configure)
    {
        var captured = new CapturedLogs();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddLogging(logging => logging.AddProvider(captured));
        services.AddHttpClient("probe").AddResilience(configure);
        logs = captured;
        return services.BuildServiceProvider();
    }

    private static HttpClient Client(ServiceProvider services) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient("probe");
}
