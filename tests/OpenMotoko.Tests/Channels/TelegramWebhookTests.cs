using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace OpenMotoko.Tests.Channels;

/// <summary>Telegram in webhook mode: setWebhook with a random secret, updates pushed to the daemon, checked, handled once; back to polling deletes it.</summary>
public sealed class TelegramWebhookTests
{
    private const string Url = "https://bot.example.com/api/channels/telegram/webhook";
    private const long Chat = 777;

    private static string Update(long updateId, string text) => JsonSerializer.Serialize(new
    {
        update_id = updateId,
        message = new
        {
            message_id = updateId + 1000,
            from = new { id = Chat, is_bot = false, first_name = "Ann", username = "ann" },
            chat = new { id = Chat, type = "private" },
            date = 1_764_000_000,
            text,
        },
    });

    private static Task<HttpResponseMessage> PushAsync(ChannelHarness h, string body, string? secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/channels/telegram/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (secret is not null)
        {
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        return h.App.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task Webhook_mode_registers_a_secret_takes_checked_updates_once_and_polling_again_deletes_it()
    {
        await using var h = await ChannelHarness.StartAsync();
        await h.WaitForStatusAsync("running");
        using (var refused = await h.Client.PutAsJsonAsync("/api/channels/telegram", new { config = new { mode = "webhook" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode); // no webhookUrl
            Assert.Contains("config.webhookUrl", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var notHttps = await h.Client.PutAsJsonAsync("/api/channels/telegram", new { config = new { mode = "webhook", webhookUrl = "http://bot.example.com/x" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notHttps.StatusCode);
        }
        using (var put = await h.Client.PutAsJsonAsync("/api/channels/telegram", new { dmPolicy = "open", config = new { mode = "webhook", webhookUrl = Url } }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        await ChannelHarness.WaitUntilAsync(() => h.Bot.Of("setWebhook").Length == 1, "setWebhook");
        var registered = h.Bot.Of("setWebhook")[0].Body;
        Assert.Equal(Url, registered.GetProperty("url").GetString());
        var secret = registered.GetProperty("secret_token").GetString()!;
        Assert.True(secret.Length >= 32);
        await h.WaitForStatusAsync("running");
        var shown = (await h.ChannelAsync()).GetProperty("config");
        Assert.Equal("webhook", shown.GetProperty("mode").GetString());
        Assert.DoesNotContain(secret, shown.GetRawText(), StringComparison.Ordinal); // masked on read
        var pollsBefore = h.Bot.Of("getUpdates").Length;

        Assert.Equal(HttpStatusCode.Unauthorized, (await PushAsync(h, Update(500, "hi"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PushAsync(h, Update(500, "hi"), secret[..^1] + "x")).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PushAsync(h, Update(500, new string('a', 300_000)), secret)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PushAsync(h, "{\"nope\":1}", secret)).StatusCode);
        Assert.Equal(0, h.ModelCalls);

        h.Model.ThenText("Hello from the webhook.");
        Assert.Equal(HttpStatusCode.OK, (await PushAsync(h, Update(500, "hi"), secret)).StatusCode);
        await h.WaitForTextAsync(Chat, 0, "Hello from the webhook.");
        Assert.Equal(HttpStatusCode.OK, (await PushAsync(h, Update(500, "hi"), secret)).StatusCode); // Telegram's redelivery
        Assert.Equal(HttpStatusCode.OK, (await PushAsync(h, Update(499, "older"), secret)).StatusCode);
        // One chat is answered in order: had the redelivery or the older update got through, the model's
        // second call would have been about it. The second call is about the next update.
        h.Model.ThenText("Second answer.");
        Assert.Equal(HttpStatusCode.OK, (await PushAsync(h, Update(501, "next"), secret)).StatusCode);
        await h.WaitForTextAsync(Chat, 1, "Second answer.");
        var calls = h.Model.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, calls.Length);
        var asked = calls[1].Body.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("role").GetString() == "user").ToArray();
        Assert.Equal("next", asked[^1].GetProperty("content").GetString());
        Assert.Equal(2, asked.Length);
        Assert.Equal(pollsBefore, h.Bot.Of("getUpdates").Length); // no polling meanwhile

        using (var back = await h.Client.PutAsJsonAsync("/api/channels/telegram", new { config = new { mode = "polling" } }))
        {
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
            Assert.False((await back.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("config").TryGetProperty("webhookSecret", out _));
        }
        await ChannelHarness.WaitUntilAsync(() => h.Bot.Of("deleteWebhook").Length == 1, "deleteWebhook");
        await ChannelHarness.WaitUntilAsync(() => h.Bot.Offsets.Contains(502), "polling resumes after the last pushed update");
        Assert.Equal(HttpStatusCode.Unauthorized, (await PushAsync(h, Update(502, "late"), secret)).StatusCode);
    }
}
