using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Providers;
using OpenMotoko.Tests.Providers.Fakes;
using OpenMotoko.Tests.Providers.OpenAi;
using static OpenMotoko.Tests.Providers.Fakes.WireProviderApp;
using static OpenMotoko.Tests.Providers.Routing.ProviderWires;

namespace OpenMotoko.Tests.Providers.Routing;

/// <summary>
/// llm.fallbacks through the real router for each of the five providers, each fake speaking its
/// provider's own wire format. The rows of each theory form a ring, so every provider is once the
/// choice that fails and once the fallback that answers.
/// </summary>
public sealed class FallbackPerProviderTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private static readonly ChatRequest Question = Ask("replaced-per-attempt", "Who answers?");
    private static readonly string[] Providers = ["anthropic", "openai", "google", "ollama", "generic"];

    /// <summary>Each provider paired with the one <paramref name="step"/> places after it in the ring.</summary>
    public static TheoryData<string, string> Ring(int step)
    {
        var pairs = new TheoryData<string, string>();
        for (var i = 0; i < Providers.Length; i++)
        {
            pairs.Add(Providers[i], Providers[(i + step) % Providers.Length]);
        }
        return pairs;
    }

    [Theory]
    [MemberData(nameof(Ring), 1)]
    public async Task A_provider_that_stays_overloaded_hands_the_turn_to_the_next_fallback(string failing, string answering)
    {
        var (down, up) = (Wires[failing], Wires[answering]);
        await using var downFake = await WireFakeServer.StartAsync();
        await using var upFake = await WireFakeServer.StartAsync();
        for (var i = 0; i < 4; i++)
        {
            down.Overloaded(downFake);
        }
        up.Answer(upFake, ["from", " the fallback"]);
        await using var app = await StartAsync(down.Environment(downFake.BaseUrl), up.Environment(upFake.BaseUrl));
        await RouterTestKit.SetAsync(app, $$"""{"llm.fallbacks":["nosuch/skipped","{{up.Qualified}}"]}""");
        var observer = new RecordingObserver();

        var events = await RouterTestKit.RouteAsync(app, down.Qualified, Question, observer).WaitAsync(Guard);

        Assert.Equal(4, downFake.Requests.Count); // the first try and the pipeline's three retries (Retry-After: 0)
        Assert.All(downFake.Requests, r => Assert.Equal(down.Path, r.PathAndQuery));
        var sent = Assert.Single(upFake.Requests);
        Assert.Equal(up.Path, sent.PathAndQuery);
        Assert.Contains(up.Model, sent.PathAndQuery + sent.Body);
        Assert.Equal("from the fallback", RoutedText(events));
        Assert.All(events, e => Assert.Equal((answering, up.Model), (e.Provider, e.Model)));
        Assert.Equal([down.Qualified, up.Qualified], observer.Before);
        Assert.Equal([(up.Qualified, 12L, 5L)], observer.After.Select(a => (a.Model, a.Input, a.Output)));
    }

    [Theory]
    [MemberData(nameof(Ring), 4)]
    public async Task A_provider_that_cannot_be_reached_hands_the_turn_to_the_next_fallback(string failing, string answering)
    {
        var (down, up) = (Wires[failing], Wires[answering]);
        await using var upFake = await WireFakeServer.StartAsync();
        up.Answer(upFake, ["still", " answered"]);
        await using var app = await StartAsync(down.Environment(ClosedPortUrl()), up.Environment(upFake.BaseUrl));
        await RouterTestKit.SetAsync(app, $$"""{"llm.fallbacks":["{{up.Qualified}}"]}""");

        var routed = RouterTestKit.RouteAsync(app, down.Qualified, Question);
        while (upFake.Requests.Count == 0 && !routed.IsCompleted)
        {
            // Connection failures are retried with back-off on the daemon's clock: move it on until the fallback is asked.
            app.Time.Advance(TimeSpan.FromSeconds(5));
            await Task.WhenAny(routed, Task.Delay(20));
        }
        var events = await routed.WaitAsync(Guard);

        Assert.Equal("still answered", RoutedText(events));
        Assert.All(events, e => Assert.Equal((answering, up.Model), (e.Provider, e.Model)));
        Assert.Equal(up.Path, Assert.Single(upFake.Requests).PathAndQuery);
    }

    [Theory]
    [MemberData(nameof(Ring), 2)]
    public async Task A_stream_that_breaks_before_any_text_hands_the_turn_to_the_next_fallback(string failing, string answering)
    {
        var (down, up) = (Wires[failing], Wires[answering]);
        await using var downFake = await WireFakeServer.StartAsync();
        await using var upFake = await WireFakeServer.StartAsync();
        down.BreakAfter(downFake, null);
        up.Answer(upFake, ["picked", " up"]);
        await using var app = await StartAsync(down.Environment(downFake.BaseUrl), up.Environment(upFake.BaseUrl));
        await RouterTestKit.SetAsync(app, $$"""{"llm.fallbacks":["{{up.Qualified}}"]}""");
        var observer = new RecordingObserver();

        var events = await RouterTestKit.RouteAsync(app, down.Qualified, Question, observer).WaitAsync(Guard);

        Assert.Single(downFake.Requests); // the headers said 200, so the HTTP pipeline had nothing to retry
        Assert.Equal(up.Path, Assert.Single(upFake.Requests).PathAndQuery);
        Assert.Equal("picked up", RoutedText(events));
        Assert.Equal((answering, up.Model), (events[^1].Provider, events[^1].Model));
        Assert.Equal([down.Qualified, up.Qualified], observer.Before);
        Assert.Equal((up.Qualified, 12L, 5L), observer.After.Select(a => (a.Model, a.Input, a.Output)).Last());
    }

    [Theory]
    [MemberData(nameof(Ring), 1)]
    public async Task A_retryable_break_after_text_has_streamed_is_not_hidden_behind_a_fallback(string failing, string standby)
    {
        var (down, up) = (Wires[failing], Wires[standby]);
        await using var downFake = await WireFakeServer.StartAsync();
        await using var upFake = await WireFakeServer.StartAsync();
        down.BreakAfter(downFake, "partial");
        up.Answer(upFake, ["never", " asked"]);
        await using var app = await StartAsync(down.Environment(downFake.BaseUrl), up.Environment(upFake.BaseUrl));
        await RouterTestKit.SetAsync(app, $$"""{"llm.fallbacks":["{{up.Qualified}}"]}""");
        var router = app.Services.GetRequiredService<ProviderRouter>();

        var texts = new List<string>();
        var error = await Assert.ThrowsAsync<LlmException>(async () =>
        {
            await foreach (var item in RouterTestKit.Stream(app, down.Qualified, Question))
            {
                if (item.Event is TextDelta delta)
                {
                    texts.Add(delta.Text);
                }
            }
        }).WaitAsync(Guard);

        Assert.Equal(["partial"], texts);
        Assert.Equal(failing, error.Provider);
        Assert.True(error.Retryable); // only the text already shown keeps the router from trying the fallback
        Assert.Single(downFake.Requests);
        Assert.Empty(upFake.Requests);
    }

    private static async Task<TestApp> StartAsync(Dictionary<string, string> first, Dictionary<string, string> second)
    {
        var environment = new Dictionary<string, string>(first) { ["OPENMOTOKO_PASSWORD"] = TestApp.Password };
        foreach (var (name, value) in second)
        {
            environment[name] = value;
        }
        return await TestApp.StartAsync(environment);
    }

    private static string RoutedText(IEnumerable<RoutedEvent> events) => Texts(events.Select(e => e.Event));

    /// <summary>A loopback URL where nothing listens, so connections are refused.</summary>
    private static string ClosedPortUrl()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
