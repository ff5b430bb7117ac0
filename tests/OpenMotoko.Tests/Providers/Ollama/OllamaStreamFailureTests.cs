using OpenMotoko.Providers;
using OpenMotoko.Tests.Providers.Fakes;
using static OpenMotoko.Tests.Providers.Fakes.WireProviderApp;

namespace OpenMotoko.Tests.Providers.Ollama;

public sealed class OllamaStreamFailureTests : IAsyncLifetime
{
    private const string FirstLine = "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}\n";
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

    [Fact]
    public async Task A_stream_that_goes_silent_fails_after_the_idle_timeout()
    {
        _fake.Enqueue(WireStreamChecks.SendThenStall("application/x-ndjson", FirstLine));

        var error = await WireStreamChecks.IdleFailureAsync(_app, _provider, Ask("llama3.2", "hi"));

        Assert.Equal("ollama", error.Provider);
        Assert.Contains("sent nothing for 120 seconds", error.Message);
    }

    [Fact]
    public async Task A_caller_cancel_mid_stream_stays_a_cancellation()
    {
        _fake.Enqueue(WireStreamChecks.SendThenStall("application/x-ndjson", FirstLine));

        await WireStreamChecks.CallerCancelAsync(_provider, Ask("llama3.2", "hi"));
    }

    [Fact]
    public async Task A_stream_cut_before_done_is_reported_incomplete()
    {
        _fake.EnqueueNdjson(FirstLine.TrimEnd());

        var error = await Assert.ThrowsAsync<LlmException>(() => CollectAsync(_provider, Ask("llama3.2", "hi")));

        Assert.Contains("incomplete", error.Message);
    }
}
