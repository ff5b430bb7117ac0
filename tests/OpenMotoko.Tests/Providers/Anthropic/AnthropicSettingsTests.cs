using System.Net.Http.Json;
using OpenMotoko.Providers;
using OpenMotoko.Tests.Providers.Fakes;
using static OpenMotoko.Tests.Providers.Fakes.WireProviderApp;

namespace OpenMotoko.Tests.Providers.Anthropic;

public sealed class AnthropicSettingsTests
{
    [Fact]
    public async Task A_key_and_base_url_put_through_the_settings_api_take_effect_without_restart()
    {
        await using var fake = await WireFakeServer.StartAsync();
        var (app, provider) = await WireProviderApp.StartAsync("anthropic", []);
        await using var _ = app;

        Assert.False(provider.IsConfigured);
        var refused = await Assert.ThrowsAsync<LlmException>(() => CollectAsync(provider, Ask("claude-haiku-4-5", "hi")));
        Assert.Contains("ANTHROPIC_API_KEY", refused.Message);
        Assert.Empty(fake.Requests);

        using var client = await app.LoginClientAsync();
        using var put = await client.PutAsJsonAsync("/api/settings", new Dictionary<string, string>
        {
            ["anthropicApiKey"] = "sk-ant-runtime-key-42",
            ["anthropicBaseUrl"] = fake.BaseUrl,
        });
        put.EnsureSuccessStatusCode();
        fake.EnqueueSse(
            ("message_start", """{"type":"message_start","message":{"usage":{"input_tokens":4,"output_tokens":1}}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1}}"""),
            ("message_stop", """{"type":"message_stop"}"""));

        Assert.True(provider.IsConfigured);
        Assert.Equal("hi", Texts(await CollectAsync(provider, Ask("claude-haiku-4-5", "hi"))));
        Assert.Equal("sk-ant-runtime-key-42", Assert.Single(fake.Requests).Header("x-api-key"));
    }
}
