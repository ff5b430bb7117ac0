using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.Channels;

public sealed class TelegramReplyTests
{
    [Fact]
    public async Task Answers_go_out_as_escaped_html_and_fall_back_to_plain_text_when_refused()
    {
        await using var h = await ChannelHarness.StartAsync();
        await h.OpenAsync(new { streaming = false });
        h.Model.ThenText("**Done** & <ok>");
        h.Bot.AddMessage(8001, 8001, "go");
        await h.WaitForTextAsync(8001, 0, "<b>Done</b> &amp; &lt;ok&gt;");
        Assert.Equal("HTML", h.Bot.Of("sendMessage")[^1].ParseMode);

        h.Bot.ThenError("sendMessage", 400, "Bad Request: can't parse entities: Unsupported start tag \"ok\" at byte offset 12");
        h.Model.ThenText("**Again**");
        h.Bot.AddMessage(8001, 8001, "again");
        await h.WaitForTextAsync(8001, 1, "**Again**");
        var last = h.Bot.Of("sendMessage")[^1];
        Assert.Null(last.ParseMode);
        var stored = await h.Client.GetFromJsonAsync<JsonElement>("/api/conversations");
        var id = stored.GetProperty("items")[0].GetProperty("id").GetString();
        var detail = await h.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        Assert.Equal("**Again**", detail.GetProperty("messages")[3].GetProperty("content").GetString()); // what was sent is what was stored
    }

    [Fact]
    public async Task Long_answers_are_split_under_4096_characters_with_typing_shown()
    {
        await using var h = await ChannelHarness.StartAsync();
        await h.OpenAsync(new { streaming = false });
        var paragraphs = Enumerable.Range(0, 30).Select(i => $"Paragraph {i}: " + new string('x', 290)).ToArray();
        h.Model.ThenText(string.Join("\n\n", paragraphs));
        h.Bot.AddMessage(8002, 8002, "write a lot");
        await ChannelHarness.WaitUntilAsync(() => string.Join("\n\n", h.SentTo(8002)).Contains("Paragraph 29", StringComparison.Ordinal), "all parts");
        var parts = h.SentTo(8002);
        Assert.True(parts.Length >= 3);
        Assert.All(parts, p => Assert.True(p.Length < 4096));
        Assert.Equal(string.Join("\n\n", paragraphs), string.Join("\n\n", parts));
        Assert.Contains(h.Bot.Of("sendChatAction"), c => c.ChatId == "8002" && c.Body.GetProperty("action").GetString() == "typing");
    }

    [Fact]
    public async Task Chats_run_concurrently_and_each_chat_in_order()
    {
        await using var h = await ChannelHarness.StartAsync();
        await h.OpenAsync(new { streaming = false });
        var arrived = 0;
        var both = new TaskCompletionSource();
        Func<Microsoft.AspNetCore.Http.HttpContext, Task> gated = async ctx =>
        {
            if (Interlocked.Increment(ref arrived) == 2)
            {
                both.SetResult();
            }
            await both.Task.WaitAsync(TimeSpan.FromSeconds(10)); // both chats' first turns are in flight at once
            await FakeOpenAi.StreamAsync(ctx, FakeOpenAi.TextChunks(["first"], 3, 1));
        };
        h.Model.Then(gated).Then(gated);
        h.Bot.AddMessage(8101, 8101, "a1");
        h.Bot.AddMessage(8102, 8102, "b1");
        h.Bot.AddMessage(8101, 8101, "a2");
        h.Bot.AddMessage(8102, 8102, "b2");
        await h.WaitForTextAsync(8101, 1, "Hello");
        await h.WaitForTextAsync(8102, 1, "Hello");
        Assert.Equal("first", h.SentTo(8101)[0]);
        Assert.Equal("first", h.SentTo(8102)[0]);
        var list = await h.Client.GetFromJsonAsync<JsonElement>("/api/conversations");
        foreach (var conversation in list.GetProperty("items").EnumerateArray())
        {
            var detail = await h.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation.GetProperty("id").GetString()}");
            var contents = detail.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()!).ToArray();
            var chat = contents[0][0];
            Assert.Equal([$"{chat}1", "first", $"{chat}2", "Hello"], contents);
        }
    }

    [Fact]
    public async Task Streaming_edits_one_message_at_most_once_a_second()
    {
        await using var h = await ChannelHarness.StartAsync();
        await h.OpenAsync();
        h.Model.Then(ctx => FakeOpenAi.StreamAsync(ctx, FakeOpenAi.TextChunks(["One ", "two ", "three ", "four."], 3, 4), async index =>
        {
            if (index >= 2)
            {
                h.App.Time.Advance(TimeSpan.FromSeconds(1));
            }
            await Task.Delay(50);
        }));
        h.Bot.AddMessage(8003, 8003, "count");
        await h.WaitForTextAsync(8003, 0, "One two three four.");
        await ChannelHarness.WaitUntilAsync(() => h.Bot.Of("editMessageText").Any(e => e.ParseMode == "HTML"), "the final edit");
        Assert.Single(h.Bot.Of("sendMessage"), c => c.ChatId == "8003");
        var edits = h.Bot.Of("editMessageText");
        Assert.InRange(edits.Length, 2, 4); // a growing preview, one edit per second of the clock, then the final text
        Assert.Equal("HTML", edits[^1].ParseMode);

        // Without the clock moving, deltas are not edited in: the preview, then only the final text.
        h.Model.Then(ctx => FakeOpenAi.StreamAsync(ctx, FakeOpenAi.TextChunks(["a ", "b ", "c ", "d"], 3, 4), _ => Task.Delay(30)));
        h.Bot.AddMessage(8003, 8003, "again");
        await h.WaitForTextAsync(8003, 1, "a b c d");
        long again;
        lock (h.Bot.Shown)
        {
            again = h.Bot.Shown.Where(m => m.Chat == 8003).ElementAt(1).Id;
        }
        // The chat's next turn starts once this one has written its last edit.
        h.Model.ThenText("Done.");
        h.Bot.AddMessage(8003, 8003, "thanks");
        await h.WaitForTextAsync(8003, 2, "Done.");
        Assert.Single(h.Bot.Of("editMessageText"), e => e.Body.GetProperty("message_id").GetInt64() == again);
    }

    [Fact]
    public async Task Photos_get_a_not_supported_reply_and_groups_answer_only_when_mentioned()
    {
        await using var h = await ChannelHarness.StartAsync();
        await h.OpenAsync(new { streaming = false });
        h.Bot.AddMessage(8004, 8004, null, extra: new System.Text.Json.Nodes.JsonObject { ["photo"] = new System.Text.Json.Nodes.JsonArray() });
        await h.WaitForRepliesAsync(8004, 1);
        Assert.Contains("photos are not supported yet", h.SentTo(8004)[0], StringComparison.Ordinal);

        h.Bot.AddMessage(-100500, 8004, "chatting among ourselves", "supergroup");
        h.Bot.AddMessage(-100500, 8004, "@moto_bot what time is it?", "supergroup");
        await h.WaitForTextAsync(-100500, 0, "Hello");
        Assert.Single(h.SentTo(-100500));
        Assert.Equal(1, h.ModelCalls);
        var request = h.Model.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body.ToString();
        Assert.DoesNotContain("chatting among ourselves", request, StringComparison.Ordinal);

        using var all = await h.Client.PutAsJsonAsync("/api/channels/telegram", new { config = new { groupMode = "all" } });
        await h.WaitForStatusAsync("running");
        h.Bot.AddMessage(-100500, 8004, "no mention now", "supergroup");
        await h.WaitForRepliesAsync(-100500, 2);
        Assert.Equal(2, h.ModelCalls);
    }

    [Fact]
    public async Task Rate_limited_sends_wait_retry_after_on_the_clock()
    {
        await using var h = await ChannelHarness.StartAsync();
        await h.OpenAsync(new { streaming = false });
        h.Bot.ThenError("sendMessage", 429, "Too Many Requests: retry after 3", retryAfter: 3);
        h.Bot.AddMessage(8005, 8005, "hi");
        await ChannelHarness.WaitUntilAsync(() => h.Bot.Of("sendMessage").Length == 1, "the rate-limited send");
        await h.App.Time.WaitForTimerDueInAsync(TimeSpan.FromSeconds(3), "the send waiting retry_after"); // parked on the clock: nothing runs until it moves
        h.App.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(h.SentTo(8005));
        h.App.Time.Advance(TimeSpan.FromSeconds(1));
        await h.WaitForTextAsync(8005, 0, "Hello");
    }
}

public sealed class ChannelDeliveryTests
{
    [Fact]
    public async Task Delivery_sends_formatted_text_to_a_chat_of_a_running_channel()
    {
        await using var h = await ChannelHarness.StartAsync();
        await h.WaitForStatusAsync("running");
        var delivery = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<OpenMotoko.Channels.ChannelDelivery>(h.App.Services);
        await delivery.SendAsync("telegram", "8400", "**Morning** briefing", CancellationToken.None);
        Assert.Equal("<b>Morning</b> briefing", h.SentTo(8400)[0]);
        var refused = await Assert.ThrowsAsync<OpenMotoko.Hosting.ApiException>(() => delivery.SendAsync("slack", "1", "x", CancellationToken.None));
        Assert.Equal(409, refused.StatusCode);
    }
}
