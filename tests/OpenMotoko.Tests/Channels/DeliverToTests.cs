using System.Net;
using System.Net.Http.Json;
using static OpenMotoko.Tests.Scheduler.SchedulerTestKit;

namespace OpenMotoko.Tests.Channels;

/// <summary>A scheduled agent task or a webhook with <c>deliverTo</c> sends its answer to that chat as well as storing it.</summary>
public sealed class DeliverToTests
{
    [Fact]
    public async Task A_task_with_deliverTo_sends_its_answer_to_the_chat()
    {
        await using var h = await ChannelHarness.StartAsync();
        h.Model.ThenText("Good morning: three meetings today.");
        var task = await CreateAsync(h.Client, new
        {
            name = "Briefing", cron = "0 7 * * *",
            payload = new { prompt = "Brief me", deliverTo = new { channel = "telegram", chatId = ChannelHarness.OwnerChat } },
        });
        Assert.Equal(ChannelHarness.OwnerChat.ToString(System.Globalization.CultureInfo.InvariantCulture),
            task.GetProperty("payload").GetProperty("deliverTo").GetProperty("chatId").GetString());
        await ChannelHarness.WaitUntilAsync(() => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<OpenMotoko.Channels.ChannelSupervisor>(h.App.Services).Transport("telegram") is not null,
            "telegram running");

        using var response = await h.Client.PostAsync($"/api/scheduler/tasks/{task.GetProperty("id").GetString()}/run?wait=true", null);
        var run = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("succeeded", Status(run));
        var sent = Assert.Single(h.Bot.Of("sendMessage"), c => c.ChatId == ChannelHarness.OwnerChat.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("three meetings today", sent.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_that_cannot_be_delivered_fails_the_run_without_a_retry()
    {
        await using var h = await ChannelHarness.StartAsync(withToken: false); // telegram is not running
        h.Model.ThenText("Nobody will see this in a chat.");
        var task = await CreateAsync(h.Client, new
        {
            name = "Briefing", cron = "0 7 * * *",
            payload = new { prompt = "Brief me", deliverTo = new { channel = "telegram", chatId = "4242" } },
        });

        using var response = await h.Client.PostAsync($"/api/scheduler/tasks/{task.GetProperty("id").GetString()}/run?wait=true", null);
        var run = await JsonAsync(response);

        Assert.Equal("failed", Status(run));
        Assert.Contains("could not be delivered to telegram chat 4242", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("Nobody will see this in a chat.", run.GetProperty("output").GetString()); // the answer is kept
        Assert.Equal(0, (await GetTaskAsync(h.Client, task.GetProperty("id").GetString()!)).GetProperty("retryCount").GetInt32());
    }

    [Theory]
    [InlineData("""{"prompt": "x", "deliverTo": "telegram"}""")]
    [InlineData("""{"prompt": "x", "deliverTo": {"channel": "telegram"}}""")]
    [InlineData("""{"prompt": "x", "deliverTo": {"channel": "", "chatId": "1"}}""")]
    [InlineData("""{"prompt": "x", "deliverTo": {"channel": "telegram", "chatId": true}}""")]
    [InlineData("""{"prompt": "x", "deliverTo": {"channel": "telegram", "chatId": "1", "extra": 1}}""")]
    public async Task A_malformed_deliverTo_is_a_400_naming_it(string payload)
    {
        await using var h = await ChannelHarness.StartAsync(withToken: false);
        using var content = new StringContent($$"""{"name": "T", "cron": "0 7 * * *", "payload": {{payload}}}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await h.Client.PostAsync("/api/scheduler/tasks", content);
        var error = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("VALIDATION_ERROR", error.GetProperty("code").GetString());
        Assert.Contains(error.GetProperty("details").EnumerateArray(), d => d.GetProperty("path").GetString() == "payload.deliverTo");
    }

    [Fact]
    public async Task A_webhook_with_deliverTo_sends_its_runs_answer_to_the_chat()
    {
        await using var h = await ChannelHarness.StartAsync();
        h.Model.ThenText("The build on main is green again.");
        var hook = await Webhooks.WebhookTestKit.CreateAsync(h.Client, new { name = "CI", deliverTo = new { channel = "telegram", chatId = "4242" } });
        Assert.Equal("4242", hook.GetProperty("deliverTo").GetProperty("chatId").GetString());
        using (var listed = await h.Client.GetAsync($"/api/webhooks/{hook.GetProperty("id").GetString()}"))
        {
            Assert.Equal("telegram", (await JsonAsync(listed)).GetProperty("deliverTo").GetProperty("channel").GetString());
        }
        await ChannelHarness.WaitUntilAsync(() => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<OpenMotoko.Channels.ChannelSupervisor>(h.App.Services).Transport("telegram") is not null, "telegram running");

        using var response = await h.App.CreateClient().SendAsync(
            Webhooks.WebhookTestKit.Trigger(hook.GetProperty("id").GetString()!, """{"status":"success"}""", secret: hook.GetProperty("secret").GetString()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await ChannelHarness.WaitUntilAsync(() => h.Bot.Of("sendMessage").Any(c => c.ChatId == "4242" && c.Text!.Contains("green again", StringComparison.Ordinal)),
            "the answer in the chat");
    }

    [Fact]
    public async Task A_webhook_with_a_malformed_deliverTo_is_a_400_naming_it()
    {
        await using var h = await ChannelHarness.StartAsync(withToken: false);
        using var response = await h.Client.PostAsJsonAsync("/api/webhooks", new { name = "CI", deliverTo = new { channel = "telegram" } });
        var error = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(error.GetProperty("details").EnumerateArray(), d => d.GetProperty("path").GetString() == "deliverTo");
    }
}
