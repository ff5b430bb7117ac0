using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Tests.Channels;

namespace OpenMotoko.Tests.Webhooks;

/// <summary>gmail.deliverTo: the answer to a Gmail push also goes to a chat, like a webhook's or a scheduled task's deliverTo.</summary>
public sealed class GmailDeliverToTests
{
    private const string PushToken = "push-token-0123456789";

    [Fact]
    public async Task A_push_with_gmail_deliverTo_sends_the_runs_answer_to_the_chat()
    {
        await using var h = await ChannelHarness.StartAsync();
        h.Model.ThenText("Two new mails, one from your bank.");
        using (var set = await h.Client.PutAsJsonAsync("/api/settings", new Dictionary<string, object>
               {
                   ["gmail.pushToken"] = PushToken,
                   ["gmail.deliverTo"] = new { channel = "telegram", chatId = ChannelHarness.OwnerChat },
               }))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            using var body = JsonDocument.Parse(await set.Content.ReadAsStringAsync());
            Assert.Equal("telegram", body.RootElement.GetProperty("gmail.deliverTo").GetProperty("channel").GetString());
        }
        await ChannelHarness.WaitUntilAsync(() => h.App.Services.GetRequiredService<OpenMotoko.Channels.ChannelSupervisor>().Transport("telegram") is not null,
            "telegram running");

        using var response = await h.App.CreateClient().PostAsync($"/api/webhooks/gmail?token={PushToken}",
            new StringContent(GmailPushTests.Push("pubsub-7", 777), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var chat = ChannelHarness.OwnerChat.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ChannelHarness.WaitUntilAsync(() => h.Bot.Of("sendMessage").Any(c => c.ChatId == chat && c.Text!.Contains("one from your bank", StringComparison.Ordinal)),
            "the answer in the chat");
    }

    [Theory]
    [InlineData("\"telegram\"")]
    [InlineData("""{"channel": "telegram"}""")]
    [InlineData("""{"channel": "telegram", "chatId": "1", "extra": 1}""")]
    public async Task A_malformed_gmail_deliverTo_is_a_400_naming_it(string value)
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        using var response = await client.PutAsync("/api/settings",
            new StringContent($$"""{"gmail.deliverTo": {{value}}}""", Encoding.UTF8, "application/json"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("VALIDATION_ERROR", body.RootElement.GetProperty("code").GetString());
        Assert.Contains(body.RootElement.GetProperty("details").EnumerateArray(), d => d.GetProperty("path").GetString() == "gmail.deliverTo");
    }
}
