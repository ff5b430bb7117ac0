using OpenMotoko.Providers;
using OpenMotoko.Tests.Providers.Fakes;
using static OpenMotoko.Tests.Providers.Fakes.WireProviderApp;

namespace OpenMotoko.Tests.Providers.Google;

public sealed class GeminiStreamFailureTests : IAsyncLifetime
{
    private const string FirstChunk = "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hel\"}]}}]}\n\n";
    private WireFakeServer _fake = null!;
    private TestApp _app = null!;
    private ILlmProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _fake = await WireFakeServer.StartAsync();
        (_app, _provider) = await WireProviderApp.StartAsync("google", new() { ["GOOGLE_AI_API_KEY"] = "AIza-test-key-1234", ["GOOGLE_AI_BASE_URL"] = _fake.BaseUrl });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task A_stream_that_goes_silent_fails_after_the_idle_timeout()
    {
        _fake.Enqueue(WireStreamChecks.SendThenStall("text/event-stream", FirstChunk));

        var error = await WireStreamChecks.IdleFailureAsync(_app, _provider, Ask("gemini-2.5-flash", "hi"));

        Assert.Equal("google", error.Provider);
        Assert.Contains("sent nothing for 120 seconds", error.Message);
    }

    [Fact]
    public async Task A_caller_cancel_mid_stream_stays_a_cancellation()
    {
        _fake.Enqueue(WireStreamChecks.SendThenStall("text/event-stream", FirstChunk));

        await WireStreamChecks.CallerCancelAsync(_provider, Ask("gemini-2.5-flash", "hi"));
    }
}
