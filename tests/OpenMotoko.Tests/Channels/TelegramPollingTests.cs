using System.Net.Http.Json;
using OpenMotoko.Channels.Telegram;

namespace OpenMotoko.Tests.Channels;

public sealed class TelegramPollingTests
{
    private static int Polls(ChannelHarness h) => h.Bot.Of("getUpdates").Length;

    [Fact]
    public async Task A_restart_neither_loses_nor_repeats_an_update()
    {
        await using var h = await ChannelHarness.StartAsync();
        await h.OpenAsync(new { streaming = false });
        var first = h.Bot.AddMessage(8201, 8201, "one");
        await h.WaitForTextAsync(8201, 0, "Hello");

        // Stall the next poll so the restart comes before Telegram hears the new offset from a poll.
        h.Bot.Then("getUpdates", ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        var polls = Polls(h); // the next poll to arrive takes the stall
        await ChannelHarness.WaitUntilAsync(() => Polls(h) > polls, "the stalled poll");
        Assert.Equal(first + 1, h.Bot.Of("getUpdates")[^1].Body.GetProperty("offset").GetInt64());
        int before;
        lock (h.Bot.Offsets)
        {
            before = h.Bot.Offsets.Count;
        }
        await h.App.RestartAsync();
        await ChannelHarness.WaitUntilAsync(() => Polls(h) > 0 && h.Bot.Offsets.Count > before, "a poll after the restart");
        lock (h.Bot.Offsets)
        {
            Assert.All(h.Bot.Offsets.Skip(before), offset => Assert.Equal(first + 1, offset));
        }
        var second = h.Bot.AddMessage(8201, 8201, "two");
        await ChannelHarness.WaitUntilAsync(() => h.SentTo(8201).Length == 2, "the answer to the second message");
        Assert.True(second > first);

        // One chat's updates are answered in order, so a repeated "two" would reach the model before "three".
        h.Model.ThenText("Three.");
        h.Bot.AddMessage(8201, 8201, "three");
        await h.WaitForTextAsync(8201, 2, "Three.");
        Assert.Equal(["one", "two", "three"], h.Model.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal))
            .Select(r => r.Body.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "user").GetProperty("content").GetString()));
    }

    [Fact]
    public async Task A_429_waits_retry_after_on_the_clock()
    {
        await using var h = await ChannelHarness.StartAsync(script: bot => bot.ThenError("getUpdates", 429, "Too Many Requests: retry after 5", retryAfter: 5));
        await ChannelHarness.WaitUntilAsync(() => Polls(h) == 1, "the first poll");
        await h.App.Time.WaitForTimerDueInAsync(TimeSpan.FromSeconds(5), "the poller waiting retry_after"); // parked: nothing polls until the clock moves
        h.App.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(1, Polls(h));
        h.App.Time.Advance(TimeSpan.FromSeconds(1));
        await ChannelHarness.WaitUntilAsync(() => Polls(h) >= 2, "the poll after retry_after");
        await h.WaitForStatusAsync("running");
    }

    [Fact]
    public async Task A_rejected_token_stops_with_a_clear_error_until_the_config_changes()
    {
        await using var h = await ChannelHarness.StartAsync(withToken: false, script: bot => bot.AcceptedToken = "1:revoked");
        using var put = await h.Client.PutAsJsonAsync("/api/channels/telegram", new { config = new { botToken = FakeBotApi.Token } });
        await h.WaitForStatusAsync("error");
        var channel = await h.ChannelAsync();
        Assert.Contains("rejected the bot token", channel.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeBotApi.Token, channel.ToString(), StringComparison.Ordinal);
        var calls = h.Bot.Calls.Count;
        h.App.Time.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(300);
        Assert.Equal(calls, h.Bot.Calls.Count); // no retrying a revoked token

        h.Bot.AcceptedToken = FakeBotApi.Token;
        using var again = await h.Client.PutAsJsonAsync("/api/channels/telegram", new { config = new { groupMode = "mention" } });
        await h.WaitForStatusAsync("running");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await h.ChannelAsync()).GetProperty("lastError").ValueKind);
    }

    [Fact]
    public async Task The_watchdog_restarts_a_stalled_poll_after_twice_the_poll_timeout()
    {
        await using var h = await ChannelHarness.StartAsync(script: bot => bot.Then("getUpdates", ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted)));
        await ChannelHarness.WaitUntilAsync(() => Polls(h) == 1, "the first poll");
        await h.App.Time.WaitForTimerDueInAsync(TelegramPoller.Watchdog, "the stalled poll's watchdog"); // the poll hangs until it fires
        h.App.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, Polls(h));
        h.App.Time.Advance(TimeSpan.FromSeconds(2));
        await ChannelHarness.WaitUntilAsync(() => Polls(h) >= 2, "a new poll after the stall");
        h.Bot.AddMessage(8202, 8202, "are you there?");
        await h.WaitForRepliesAsync(8202, 1); // the pairing answer: polling works again
    }

    [Fact]
    public async Task Network_errors_back_off_and_retry_until_telegram_answers()
    {
        await using var h = await ChannelHarness.StartAsync(script: bot =>
        {
            for (var i = 0; i < 3; i++)
            {
                bot.Then("getUpdates", ctx =>
                {
                    ctx.Abort();
                    return Task.CompletedTask;
                });
            }
        });
        await ChannelHarness.WaitUntilAsync(() => Polls(h) == 1, "the first poll");
        await h.WaitForStatusAsync("error");
        await h.App.Time.WaitForTimerDueInAsync(TelegramPoller.Backoff(1), "the first back-off"); // waits for the clock, no hot loop
        Assert.Equal(1, Polls(h));
        await h.AdvanceUntilAsync(() => Polls(h) >= 4, "three retries");
        await h.WaitForStatusAsync("running");
    }

    [Fact]
    public async Task A_409_is_reported_and_not_hot_looped()
    {
        await using var h = await ChannelHarness.StartAsync(script: bot =>
        {
            bot.ThenError("getUpdates", 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
            bot.ThenError("getUpdates", 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
        });
        await h.WaitForStatusAsync("error");
        Assert.Contains("409", (await h.ChannelAsync()).GetProperty("lastError").GetString(), StringComparison.Ordinal);
        await h.App.Time.WaitForTimerDueInAsync(TelegramPoller.Backoff(1), "the back-off after the 409"); // not hot-looped
        Assert.Equal(1, Polls(h));
        await h.AdvanceUntilAsync(() => Polls(h) >= 3, "retries after the back-off");
        await h.WaitForStatusAsync("running");
    }
}
