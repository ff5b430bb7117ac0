using System.Net;
using System.Net.Sockets;
using OpenMotoko.Providers;
using OpenMotoko.Tests.Providers.Fakes;
using static OpenMotoko.Tests.Providers.Fakes.WireProviderApp;

namespace OpenMotoko.Tests.Providers.Ollama;

public sealed class OllamaProviderTests : IAsyncLifetime
{
    private WireFakeServer _fake = null!;
    private TestApp _app = null!;
    private ILlmProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _fake = await WireFakeServer.StartAsync();
        (_app, _provider) = await WireProviderApp.StartAsync("ollama", new() { ["OLLAMA_HOST"] = _fake.BaseUrl });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private static string Line(string content, string? toolCalls = null) =>
        $$"""{"model":"llama3.2","created_at":"2026-11-28T12:00:00Z","message":{"role":"assistant","content":"{{content}}"{{(toolCalls is null ? "" : $",\"tool_calls\":{toolCalls}")}}},"done":false}""";

    private static string Done(string reason, int prompt, int eval) =>
        $$"""{"model":"llama3.2","created_at":"2026-11-28T12:00:01Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"{{reason}}","total_duration":1,"prompt_eval_count":{{prompt}},"eval_count":{{eval}}}""";

    [Fact]
    public async Task Streams_content_lines_as_they_arrive_with_exact_counts()
    {
        var gate = new TaskCompletionSource();
        _fake.Enqueue(async context =>
        {
            context.Response.ContentType = "application/x-ndjson";
            await WireFakeServer.WriteLineAsync(context, Line("Hel"));
            await gate.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await WireFakeServer.WriteLineAsync(context, Line("lo!"));
            await WireFakeServer.WriteLineAsync(context, Done("stop", 26, 9));
        });

        var events = new List<ChatStreamEvent>();
        await foreach (var item in _provider.StreamAsync(Ask("llama3.2", "Say hello"), CancellationToken.None))
        {
            events.Add(item);
            if (item is TextDelta { Text: "Hel" })
            {
                gate.SetResult();
            }
        }

        Assert.Equal(["Hel", "lo!"], events.OfType<TextDelta>().Select(d => d.Text));
        Assert.Equal(new UsageReport(26, 9), Assert.Single(events.OfType<UsageReport>()));
        Assert.Equal(new StreamFinished("stop"), events[^1]);
        var request = Assert.Single(_fake.Requests);
        Assert.Equal(("POST", "/api/chat"), (request.Method, request.PathAndQuery));
        Assert.Equal(
            """{"model":"llama3.2","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello"}],"stream":true,"options":{"num_predict":4096}}""",
            request.Body);
    }

    [Fact]
    public async Task Tool_round_trip_replays_tool_calls_and_tool_messages_with_tool_name()
    {
        _fake.EnqueueNdjson(Line("", """[{"function":{"name":"get_weather","arguments":{"city":"Paris"}}}]"""), Done("stop", 50, 12));
        _fake.EnqueueNdjson(Line("18C in Paris."), Done("stop", 80, 6));

        var first = Ask("llama3.2", "Weather in Paris?", WeatherTool);
        var events = await CollectAsync(_provider, first);
        var call = Assert.Single(events.OfType<ToolCallReady>()).Call;
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments.GetProperty("city").GetString());
        Assert.Empty(events.OfType<TextDelta>());

        events = await CollectAsync(_provider, first with
        {
            Messages =
            [
                .. first.Messages,
                new ChatMessage(ChatRole.Assistant, null, [call]),
                new ChatMessage(ChatRole.Tool, null, ToolResults: [new ToolResult(call.Id, "get_weather", "18C", false)]),
            ],
        });
        Assert.Equal("18C in Paris.", Texts(events));
        Assert.Equal(new UsageReport(80, 6), events.OfType<UsageReport>().Last());

        var body = Json(_fake.Requests[1].Body);
        Assert.Equal(
            """[{"role":"system","content":"You are terse."},{"role":"user","content":"Weather in Paris?"},""" +
            """{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris"}}}]},""" +
            """{"role":"tool","content":"18C","tool_name":"get_weather"}]""",
            body.GetProperty("messages").GetRawText());
        Assert.Equal(
            """[{"type":"function","function":{"name":"get_weather","description":"Current weather for a city","parameters":""" + WeatherTool.InputSchema.GetRawText() + "}}]",
            body.GetProperty("tools").GetRawText());
    }

    [Fact]
    public async Task Parallel_tool_calls_in_one_turn_get_distinct_ids_and_results_follow_call_order()
    {
        _fake.EnqueueNdjson(
            Line("", """[{"id":"call_r","function":{"index":0,"name":"get_weather","arguments":{"city":"Rome"}}},{"function":{"index":1,"name":"get_weather","arguments":{"city":"Oslo"}}}]"""),
            Line("", """[{"function":{"name":"get_weather","arguments":"{\"city\":\"Lima\"}"}}]"""),
            Done("stop", 60, 30));
        _fake.EnqueueNdjson(Done("stop", 1, 1));

        var first = Ask("llama3.2", "Three cities?", WeatherTool);
        var calls = (await CollectAsync(_provider, first)).OfType<ToolCallReady>().Select(c => c.Call).ToList();
        Assert.Equal(["Rome", "Oslo", "Lima"], calls.Select(c => c.Arguments.GetProperty("city").GetString()));
        Assert.Equal("call_r", calls[0].Id);
        Assert.Equal(3, calls.Select(c => c.Id).Distinct().Count());

        await CollectAsync(_provider, first with
        {
            Messages =
            [
                .. first.Messages,
                new ChatMessage(ChatRole.Assistant, null, calls),
                new ChatMessage(ChatRole.Tool, null, ToolResults:
                [
                    new(calls[2].Id, "get_weather", "20C", false), new(calls[0].Id, "get_weather", "25C", false), new(calls[1].Id, "get_weather", "timeout", true),
                ]),
            ],
        });
        var messages = Json(_fake.Requests[1].Body).GetProperty("messages");
        Assert.Equal(3, messages[2].GetProperty("tool_calls").GetArrayLength());
        Assert.Equal(["25C", "Error: timeout", "20C"], Enumerable.Range(3, 3).Select(i => messages[i].GetProperty("content").GetString()));
    }

    [Fact]
    public async Task A_missing_model_surfaces_404_with_ollamas_message()
    {
        _fake.EnqueueJson(404, """{"error":"model \"llama9\" not found, try pulling it first"}""");

        var error = await Assert.ThrowsAsync<LlmException>(() => CollectAsync(_provider, Ask("llama9", "hi")));

        Assert.Equal(404, error.StatusCode);
        Assert.False(error.Retryable);
        Assert.Contains("model \"llama9\" not found, try pulling it first", error.Message);
        Assert.Single(_fake.Requests);
    }

    [Fact]
    public async Task An_error_line_mid_stream_fails_the_call()
    {
        _fake.EnqueueNdjson(Line("par"), """{"error":"an error was encountered while running the model: out of memory"}""");

        var error = await Assert.ThrowsAsync<LlmException>(() => CollectAsync(_provider, Ask("llama3.2", "hi")));

        Assert.Contains("out of memory", error.Message);
    }

    [Fact]
    public async Task A_busy_answer_with_retry_after_is_retried_and_then_succeeds()
    {
        _fake.EnqueueJson(503, """{"error":"server busy, please try again.  maximum pending requests exceeded"}""", ("retry-after", "0"));
        _fake.EnqueueJson(429, """{"error":"too many requests"}""", ("retry-after", "0"));
        _fake.EnqueueNdjson(Line("ok"), Done("stop", 2, 1));

        var events = await CollectAsync(_provider, Ask("llama3.2", "hi"));

        Assert.Equal("ok", Texts(events));
        Assert.Equal(3, _fake.Requests.Count);
    }

    [Fact]
    public async Task Lists_installed_models_from_api_tags_at_no_cost()
    {
        _fake.EnqueueJson(200, """
            {"models":[
              {"name":"llama3.2:latest","model":"llama3.2:latest","modified_at":"2026-01-01T00:00:00Z","size":2019393189,"digest":"a80c","details":{"family":"llama","parameter_size":"3.2B","quantization_level":"Q4_K_M"}},
              {"name":"qwen3:8b","model":"qwen3:8b","size":5225388164,"digest":"500a","details":{"family":"qwen3"}}
            ]}
            """);

        var models = await _provider.ListModelsAsync(CancellationToken.None);

        Assert.Equal(["llama3.2:latest", "qwen3:8b"], models.Select(m => m.Id));
        Assert.All(models, m => Assert.Equal((0m, 0m), (m.InputPricePerMTok, m.OutputPricePerMTok)));
        Assert.Equal(("GET", "/api/tags"), (_fake.Requests[0].Method, _fake.Requests[0].PathAndQuery));
    }

    [Fact]
    public async Task An_unreachable_host_gives_a_clear_message_after_the_retries()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop(); // nothing listens there now: connections are refused

        var (app, provider) = await WireProviderApp.StartAsync("ollama", new() { ["OLLAMA_HOST"] = $"http://127.0.0.1:{port}" });
        await using var _ = app;
        Assert.True(provider.IsConfigured);
        var call = CollectAsync(provider, Ask("llama3.2", "hi"));
        while (!call.IsCompleted)
        {
            app.Time.Advance(TimeSpan.FromSeconds(30)); // the retry backoff waits on the daemon's clock
            await Task.WhenAny(call, Task.Delay(20));
        }

        var error = await Assert.ThrowsAsync<LlmException>(() => call);
        Assert.Contains($"Could not reach Ollama at http://127.0.0.1:{port}", error.Message);
        Assert.True(error.Retryable);
    }

    [Fact]
    public async Task The_built_in_host_alone_does_not_count_as_configured_a_stored_one_does()
    {
        await using var app = await TestApp.StartAsync();
        var provider = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetServices<ILlmProvider>(app.Services).Single(p => p.Id == "ollama");

        Assert.False(provider.IsConfigured);
        await Routing.RouterTestKit.SetAsync(app, """{"ollamaHost": "http://localhost:11434"}""");
        Assert.True(provider.IsConfigured);
    }
}
