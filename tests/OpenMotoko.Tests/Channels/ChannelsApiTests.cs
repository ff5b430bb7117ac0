using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OpenMotoko.Tests.Channels;

public sealed class ChannelsApiTests
{
    [Fact]
    public async Task Telegram_is_listed_unconfigured_and_stopped_without_a_token()
    {
        await using var h = await ChannelHarness.StartAsync(withToken: false);
        var telegram = await h.ChannelAsync();
        Assert.Equal("telegram", telegram.GetProperty("type").GetString());
        Assert.False(telegram.GetProperty("enabled").GetBoolean());
        Assert.Equal("stopped", telegram.GetProperty("status").GetString());
        Assert.Equal("pairing", telegram.GetProperty("dmPolicy").GetString());
        Assert.Empty(h.Bot.Calls);
    }

    [Fact]
    public async Task The_environment_token_starts_polling_and_is_masked_on_read()
    {
        await using var h = await ChannelHarness.StartAsync();
        await h.WaitForStatusAsync("running");
        var raw = await h.Client.GetStringAsync("/api/channels");
        Assert.DoesNotContain(FakeBotApi.Token, raw, StringComparison.Ordinal);
        Assert.Equal("123...6789", (await h.ChannelAsync()).GetProperty("config").GetProperty("botToken").GetString());
        Assert.NotEmpty(h.Bot.Of("getMe"));
        await ChannelHarness.WaitUntilAsync(() => h.Bot.Of("getUpdates").Length > 0, "a getUpdates call");
        Assert.Equal(30, h.Bot.Of("getUpdates")[0].Body.GetProperty("timeout").GetInt32());
    }

    [Fact]
    public async Task Put_stores_the_token_and_restarts_only_the_channel()
    {
        await using var h = await ChannelHarness.StartAsync(withToken: false);
        using var response = await h.Client.PutAsJsonAsync("/api/channels/telegram", new { config = new { botToken = FakeBotApi.Token, groupMode = "all" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(FakeBotApi.Token, body, StringComparison.Ordinal);
        await h.WaitForStatusAsync("running");
        Assert.True((await h.ChannelAsync()).GetProperty("enabled").GetBoolean());

        // The masked token sent back keeps the real one; disabling stops the channel.
        using var masked = await h.Client.PutAsJsonAsync("/api/channels/telegram", new { enabled = false, config = new { botToken = "123...6789" } });
        Assert.Equal(HttpStatusCode.OK, masked.StatusCode);
        await h.WaitForStatusAsync("stopped");
        using var again = await h.Client.PutAsJsonAsync("/api/channels/telegram", new { enabled = true });
        await h.WaitForStatusAsync("running");
        Assert.Equal(HttpStatusCode.OK, (await h.Client.GetAsync("/api/health")).StatusCode);
    }

    [Theory]
    [InlineData("""{"config": {"botToken": "not-a-token"}}""", "config.botToken")]
    [InlineData("""{"config": {"colour": "red"}}""", "config.colour")]
    [InlineData("""{"config": {"groupMode": "sometimes"}}""", "config.groupMode")]
    [InlineData("""{"config": {"allowFrom": ["abc"]}}""", "config.allowFrom")]
    [InlineData("""{"dmPolicy": "allowlist"}""", "config.allowFrom")]
    [InlineData("""{"dmPolicy": "everyone"}""", "dmPolicy")]
    [InlineData("""{"enabled": "yes"}""", "enabled")]
    [InlineData("""{"config": []}""", "config")]
    [InlineData("""{"name": "x"}""", "name")]
    [InlineData("""[]""", "$")]
    public async Task Bad_updates_are_400_naming_the_field(string json, string path)
    {
        await using var h = await ChannelHarness.StartAsync(withToken: false);
        using var response = await h.Client.PutAsync("/api/channels/telegram", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("VALIDATION_ERROR", error.GetProperty("code").GetString());
        Assert.Contains(error.GetProperty("details").EnumerateArray(), d => d.GetProperty("path").GetString() == path);
        Assert.Equal("stopped", (await h.ChannelAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Unknown_channels_are_404()
    {
        await using var h = await ChannelHarness.StartAsync(withToken: false);
        using var put = await h.Client.PutAsJsonAsync("/api/channels/slack", new { enabled = true });
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await h.Client.GetAsync("/api/channels/slack/senders")).StatusCode);
        using var anonymous = h.App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/channels")).StatusCode);
    }
}
