using OpenMotoko.Hosting;
using System.Net;
using System.Text.Json.Nodes;
using OpenMotoko.Agent;
using OpenMotoko.Providers;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.Providers.Routing;

public sealed class ProviderRouterTests
{
    private static async Task<TestApp> StartAsync(FakeOpenAi primary, FakeOpenAi second) =>
        await OpenAiProviderTests.StartAsync(primary, new() { ["GENERIC_LLM_BASE_URL"] = second.BaseUrl });

    [Fact]
    public async Task A_retryable_failure_before_any_output_falls_back_to_the_next_provider()
    {
        await using var primary = await FakeOpenAi.StartAsync();
        await using var second = await FakeOpenAi.StartAsync();
        for (var i = 0; i < 4; i++)
        {
            primary.ThenError(503, "The server is overloaded", "server_error");
        }
        second.ThenText("from", " the fallback");
        await using var app = await StartAsync(primary, second);
        await RouterTestKit.SetAsync(app, """{"llm.fallbacks":["nosuch/skipped","generic/local-llama"]}""");
        var observer = new RecordingObserver();

        var events = await RouterTestKit.DriveClockAsync(app,
            RouterTestKit.RouteAsync(app, "openai/gpt-4o-mini", OpenAiProviderTests.Ask("Hi"), observer));

        Assert.Equal(4, primary.Requests.Count); // the first try and the pipeline's three retries
        var sent = Assert.Single(second.Requests);
        Assert.Equal("local-llama", sent.Body.GetProperty("model").GetString());
        Assert.Equal("", sent.Authorization); // no generic key configured, none sent
        Assert.Equal("from the fallback", string.Concat(events.Select(e => e.Event).OfType<TextDelta>().Select(d => d.Text)));
        Assert.All(events, e => Assert.Equal(("generic", "local-llama"), (e.Provider, e.Model)));
        Assert.Equal(["openai/gpt-4o-mini", "generic/local-llama"], observer.Before);
        Assert.Equal([("generic/local-llama", 11L, 7L, 0m, true)], observer.After);
    }

    [Fact]
    public async Task Nothing_falls_back_once_output_has_started()
    {
        await using var primary = await FakeOpenAi.StartAsync();
        await using var second = await FakeOpenAi.StartAsync();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        primary.Then(async ctx =>
        {
            await FakeOpenAi.StreamAsync(ctx, [FakeOpenAi.Chunk(new JsonObject { ["content"] = "partial" })], done: false);
            // Break the stream only once the text has reached the client: a reset before that is a connection failure, which is retried.
            await seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
            ctx.Abort();
        });
        await using var app = await StartAsync(primary, second);
        await RouterTestKit.SetAsync(app, """{"llm.fallbacks":["generic/local-llama"]}""");

        var texts = new List<string>();
        var router = app.Services.GetService(typeof(ProviderRouter)) as ProviderRouter;
        var error = await Assert.ThrowsAsync<LlmException>(async () =>
        {
            await foreach (var item in RouterTestKit.Stream(app, "gpt-4o-mini", OpenAiProviderTests.Ask("Hi")))
            {
                if (item.Event is TextDelta delta)
                {
                    texts.Add(delta.Text);
                    seen.TrySetResult();
                }
            }
        });

        Assert.Equal(["partial"], texts);
        Assert.Equal("openai", error.Provider);
        Assert.Single(primary.Requests);
        Assert.Empty(second.Requests);
    }

    [Fact]
    public async Task A_non_retryable_error_is_not_hidden_behind_a_fallback()
    {
        await using var primary = await FakeOpenAi.StartAsync();
        await using var second = await FakeOpenAi.StartAsync();
        primary.ThenError(400, "Invalid 'messages': empty array.");
        await using var app = await StartAsync(primary, second);
        await RouterTestKit.SetAsync(app, """{"llm.fallbacks":["generic/local-llama"]}""");

        var error = await Assert.ThrowsAsync<LlmException>(() => RouterTestKit.RouteAsync(app, "gpt-4o-mini", OpenAiProviderTests.Ask("Hi")));

        Assert.Equal(400, error.StatusCode);
        Assert.Contains("Invalid 'messages'", error.Message);
        Assert.Empty(second.Requests);
    }

    [Fact]
    public async Task Observers_see_every_call_with_its_priced_usage_and_can_refuse_it()
    {
        await using var primary = await FakeOpenAi.StartAsync();
        await using var second = await FakeOpenAi.StartAsync();
        primary.ThenText("ok");
        await using var app = await StartAsync(primary, second);

        var observer = new RecordingObserver();
        var events = await RouterTestKit.RouteAsync(app, "openai/gpt-4o-mini", OpenAiProviderTests.Ask("Hi"), observer);
        Assert.IsType<StreamFinished>(events[^2].Event);
        Assert.Equal(new CallPriced(11, 7, 0.000006m, true), events[^1].Event); // the attempt's usage, priced once, follows it
        // 11 input tokens at $0.15/M and 7 output tokens at $0.60/M
        Assert.Equal([("openai/gpt-4o-mini", 11L, 7L, 0.000006m, true)], observer.After);

        var budget = new RecordingObserver(new ApiException((int)HttpStatusCode.TooManyRequests, "BUDGET_EXCEEDED", "Daily budget reached"));
        var refused = await Assert.ThrowsAsync<ApiException>(() => RouterTestKit.RouteAsync(app, "gpt-4o-mini", OpenAiProviderTests.Ask("Hi"), budget));
        Assert.Equal("BUDGET_EXCEEDED", refused.Code);
        Assert.Single(primary.Requests); // the refused call never reached the provider
    }
}
