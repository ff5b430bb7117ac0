using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Tests.Agent;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.Channels;

public sealed class ChatCommandTests
{
    [Fact]
    public async Task Commands_are_answered_by_the_daemon_not_the_model()
    {
        await using var h = await ChannelHarness.StartAsync();
        await h.OpenAsync(new { streaming = false });
        h.Bot.AddMessage(8301, 8301, "/help");
        await h.WaitForRepliesAsync(8301, 1);
        Assert.Contains("/model NAME", h.SentTo(8301)[0], StringComparison.Ordinal);

        h.Bot.AddMessage(8301, 8301, "hi");
        await h.WaitForTextAsync(8301, 1, "Hello");
        h.Bot.AddMessage(8301, 8301, "/cost");
        await h.WaitForRepliesAsync(8301, 3);
        Assert.StartsWith("This conversation: $", h.SentTo(8301)[2], StringComparison.Ordinal);
        h.Bot.AddMessage(8301, 8301, "/model openai/gpt-4o");
        await h.WaitForRepliesAsync(8301, 4);
        Assert.Contains("now uses openai/gpt-4o", h.SentTo(8301)[3], StringComparison.Ordinal);
        h.Bot.AddMessage(8301, 8301, "/model nosuchprovider/x");
        await h.WaitForRepliesAsync(8301, 5);
        Assert.StartsWith("⚠️", h.SentTo(8301)[4], StringComparison.Ordinal);
        h.Bot.AddMessage(8301, 8301, "/status");
        await h.WaitForRepliesAsync(8301, 6);
        Assert.Contains("is running", h.SentTo(8301)[5], StringComparison.Ordinal);
        Assert.Equal(1, h.ModelCalls);

        h.Bot.AddMessage(8301, 8301, "/new");
        await h.WaitForRepliesAsync(8301, 7);
        h.Bot.AddMessage(8301, 8301, "fresh start");
        await h.WaitForTextAsync(8301, 7, "Hello");
        var list = await h.Client.GetFromJsonAsync<JsonElement>("/api/conversations");
        Assert.Equal(2, list.GetProperty("total").GetInt32());
        var model = h.Model.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body.GetProperty("model").GetString();
        Assert.Equal("gpt-4o-mini", model); // the new conversation is back on the default model
    }

    [Fact]
    public async Task Stop_skips_the_queue_and_cancels_the_answer_in_progress()
    {
        await using var h = await ChannelHarness.StartAsync();
        await h.OpenAsync(new { streaming = false });
        h.Model.Then(ctx => FakeOpenAi.StreamAsync(ctx, FakeOpenAi.TextChunks(["slow"], 1, 1), _ => Task.Delay(Timeout.Infinite, ctx.RequestAborted)));
        h.Bot.AddMessage(8302, 8302, "take your time");
        await ChannelHarness.WaitUntilAsync(() => h.ModelCalls == 1, "the model call");
        h.Bot.AddMessage(8302, 8302, "/stop");
        await ChannelHarness.WaitUntilAsync(() => h.SentTo(8302).Any(t => t.Contains("cancelled", StringComparison.Ordinal)), "the cancelled answer");
        Assert.Contains("Stopping", h.SentTo(8302)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approvals_are_asked_with_buttons_and_resolved_by_the_press()
    {
        await using var h = await ChannelHarness.StartAsync(settingsJson:
            """{"defaultModel": "openai/gpt-4o-mini", "app.timezone": "UTC", "skills.memory.mode": "ask", "agent.approvalTimeoutSeconds": 300}""");
        await h.OpenAsync(new { streaming = false });
        h.Model.Then(ctx => FakeOpenAi.StreamAsync(ctx, AgentHarness.ToolCallChunks(10, 5, ("call_1", "remember", """{"fact":"likes green tea"}"""))));
        h.Model.ThenText("Noted.");
        h.Bot.AddMessage(8303, 8303, "remember I like green tea");
        await ChannelHarness.WaitUntilAsync(() => h.Bot.Of("sendMessage").Any(c => c.Body.TryGetProperty("reply_markup", out _)), "the approval prompt");
        var prompt = h.Bot.Of("sendMessage").First(c => c.Body.TryGetProperty("reply_markup", out _));
        Assert.Contains("remember", prompt.Text, StringComparison.Ordinal);
        var buttons = prompt.Body.GetProperty("reply_markup").GetProperty("inline_keyboard")[0];
        var approve = buttons[0].GetProperty("callback_data").GetString()!;
        Assert.EndsWith(":y", approve, StringComparison.Ordinal);
        long promptId;
        lock (h.Bot.Shown)
        {
            promptId = h.Bot.Shown.First(m => m.Text == prompt.Text).Id;
        }

        h.Bot.AddCallback(9999, 9999, promptId, approve.Replace(":y", ":n", StringComparison.Ordinal)); // Deny, pressed by someone the open policy lets in
        await ChannelHarness.WaitUntilAsync(() => h.Bot.Of("answerCallbackQuery").Length == 1, "the first press answered");
        await h.WaitForTextAsync(8303, 1, "Noted.");
        var detail = await h.Client.GetFromJsonAsync<JsonElement>(
            $"/api/conversations/{(await h.Client.GetFromJsonAsync<JsonElement>("/api/conversations")).GetProperty("items")[0].GetProperty("id").GetString()}");
        var results = detail.GetProperty("messages").EnumerateArray().First(m => m.TryGetProperty("toolResults", out _)).GetProperty("toolResults")[0];
        Assert.True(results.GetProperty("isError").GetBoolean()); // denied by the press
        Assert.Contains("denied", results.GetProperty("output").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Only_allowed_senders_can_press_approval_buttons()
    {
        await using var h = await ChannelHarness.StartAsync(settingsJson:
            """{"defaultModel": "openai/gpt-4o-mini", "app.timezone": "UTC", "skills.memory.mode": "ask", "agent.approvalTimeoutSeconds": 300}""");
        await h.PairAsync(8304);
        h.Model.Then(ctx => FakeOpenAi.StreamAsync(ctx, AgentHarness.ToolCallChunks(10, 5, ("call_1", "remember", """{"fact":"likes tea"}"""))));
        h.Model.ThenText("Remembered.");
        h.Bot.AddMessage(8304, 8304, "remember I like tea");
        await ChannelHarness.WaitUntilAsync(() => h.Bot.Of("sendMessage").Any(c => c.Body.TryGetProperty("reply_markup", out _)), "the approval prompt");
        var prompt = h.Bot.Of("sendMessage").First(c => c.Body.TryGetProperty("reply_markup", out _));
        var approve = prompt.Body.GetProperty("reply_markup").GetProperty("inline_keyboard")[0][0].GetProperty("callback_data").GetString()!;

        h.Bot.AddCallback(8304, 6666, 1, approve); // a stranger in the chat presses Approve
        await ChannelHarness.WaitUntilAsync(() => h.Bot.Of("answerCallbackQuery").Length == 1, "the stranger's press answered");
        Assert.Contains("Only the people", h.Bot.Of("answerCallbackQuery")[0].Text ?? h.Bot.Of("answerCallbackQuery")[0].Body.ToString(), StringComparison.Ordinal);
        using var pending = await h.Client.GetAsync("/api/approvals");
        Assert.Contains("remember", await pending.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        h.Bot.AddCallback(8304, 8304, 1, approve);
        await ChannelHarness.WaitUntilAsync(() => h.SentTo(8304).Contains("Remembered."), "the answer after approval");
    }
}
