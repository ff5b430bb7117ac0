using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OpenMotoko.Tests.Channels;

public sealed class PairingTests
{
    [Fact]
    public async Task A_stranger_gets_a_code_reaches_nothing_and_is_answered_once_approved()
    {
        await using var h = await ChannelHarness.StartAsync();
        h.Bot.AddMessage(7001, 7001, "please run my errands");
        await h.WaitForRepliesAsync(7001, 1);
        var code = ChannelHarness.PairingCode(h.SentTo(7001)[0]);
        Assert.Matches("^[0-9]{6}$", code);
        Assert.Contains("openmotoko pairing approve " + code, h.SentTo(7001)[0], StringComparison.Ordinal);

        // A second message while pending gets the same code, still nothing else.
        h.Bot.AddMessage(7001, 7001, "hello?");
        await h.WaitForRepliesAsync(7001, 2);
        Assert.Equal(code, ChannelHarness.PairingCode(h.SentTo(7001)[1]));
        // Nothing reached the model or the database beyond the pairing requests; the chat's messages are
        // handled in order, so anything the first one started was done before the second was answered.
        Assert.Equal(0, h.ModelCalls);
        var conversations = await h.Client.GetFromJsonAsync<JsonElement>("/api/conversations");
        Assert.Equal(0, conversations.GetProperty("total").GetInt32());
        var activity = await h.Client.GetStringAsync("/api/activity?limit=100");
        Assert.DoesNotContain("errands", activity, StringComparison.Ordinal);
        Assert.DoesNotContain("channel:message", activity, StringComparison.Ordinal);
        var senders = await h.Client.GetFromJsonAsync<JsonElement>("/api/channels/telegram/senders");
        Assert.Equal("pending", senders[0].GetProperty("status").GetString());
        Assert.Equal("7001", senders[0].GetProperty("senderId").GetString());


        using var approve = await h.Client.PostAsync($"/api/channels/telegram/pairing/{code}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        await h.WaitForRepliesAsync(7001, 3);
        Assert.Contains("approved", h.SentTo(7001)[2], StringComparison.Ordinal);

        h.Model.ThenText("Your ", "errands are done.");
        h.Bot.AddMessage(7001, 7001, "please run my errands");
        await h.WaitForTextAsync(7001, 3, "Your errands are done.");
        Assert.Equal(1, h.ModelCalls);
        conversations = await h.Client.GetFromJsonAsync<JsonElement>("/api/conversations");
        var conversation = conversations.GetProperty("items")[0];
        Assert.Equal("telegram", conversation.GetProperty("channelId").GetString());
        var detail = await h.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation.GetProperty("id").GetString()}");
        Assert.Equal("Your errands are done.", detail.GetProperty("messages")[1].GetProperty("content").GetString());

        for (var i = 0; i < 100 && !activity.Contains("\"direction\":\"out\"", StringComparison.Ordinal); i++)
        {
            await Task.Delay(30);
            activity = await h.Client.GetStringAsync("/api/activity?type=channel:message");
        }
        Assert.Contains("\"direction\":\"in\"", activity, StringComparison.Ordinal);
        Assert.Contains("\"direction\":\"out\"", activity, StringComparison.Ordinal);

        // Used codes cannot be approved again.
        using var reuse = await h.Client.PostAsync($"/api/channels/telegram/pairing/{code}/approve", null);
        Assert.Equal(HttpStatusCode.NotFound, reuse.StatusCode);
    }

    [Fact]
    public async Task Codes_expire_after_an_hour_on_the_clock()
    {
        await using var h = await ChannelHarness.StartAsync();
        h.Bot.AddMessage(7002, 7002, "hi");
        await h.WaitForRepliesAsync(7002, 1);
        var code = ChannelHarness.PairingCode(h.SentTo(7002)[0]);
        h.App.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        using var late = await h.Client.PostAsync($"/api/channels/telegram/pairing/{code}/approve", null);
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);

        h.Bot.AddMessage(7002, 7002, "hi again");
        await h.WaitForRepliesAsync(7002, 2);
        Assert.NotEqual(code, ChannelHarness.PairingCode(h.SentTo(7002)[1]));
        Assert.Equal(0, h.ModelCalls);
    }

    [Fact]
    public async Task Removing_a_sender_makes_them_pair_again()
    {
        await using var h = await ChannelHarness.StartAsync();
        await h.PairAsync(7003);
        using var removed = await h.Client.DeleteAsync("/api/channels/telegram/senders/7003");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        using var missing = await h.Client.DeleteAsync("/api/channels/telegram/senders/7003");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        h.Bot.AddMessage(7003, 7003, "still there?");
        await h.WaitForRepliesAsync(7003, 3);
        Assert.Contains("pairing code", h.SentTo(7003)[2], StringComparison.Ordinal);
        Assert.Equal(0, h.ModelCalls);
    }

    [Fact]
    public async Task Allowlist_answers_only_the_listed_ids()
    {
        await using var h = await ChannelHarness.StartAsync();
        using var put = await h.Client.PutAsJsonAsync("/api/channels/telegram", new { dmPolicy = "allowlist", config = new { allowFrom = new[] { 7010 } } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await h.WaitForStatusAsync("running");

        h.Bot.AddMessage(7011, 7011, "let me in");
        await h.WaitForRepliesAsync(7011, 1);
        Assert.Contains("7011", h.SentTo(7011)[0], StringComparison.Ordinal);
        Assert.DoesNotContain("pairing", h.SentTo(7011)[0], StringComparison.Ordinal);

        h.Bot.AddMessage(7010, 7010, "hi");
        await h.WaitForTextAsync(7010, 0, "Hello");
        Assert.Equal(1, h.ModelCalls);
        var senders = await h.Client.GetFromJsonAsync<JsonElement>("/api/channels/telegram/senders");
        Assert.Equal(0, senders.GetArrayLength());
    }

    [Fact]
    public async Task Open_policy_answers_anyone()
    {
        await using var h = await ChannelHarness.StartAsync();
        using var put = await h.Client.PutAsJsonAsync("/api/channels/telegram", new { dmPolicy = "open" });
        await h.WaitForStatusAsync("running");
        h.Bot.AddMessage(7020, 7020, "hi");
        await h.WaitForTextAsync(7020, 0, "Hello");
    }

    [Fact]
    public async Task Unknown_codes_are_404()
    {
        await using var h = await ChannelHarness.StartAsync();
        using var response = await h.Client.PostAsync("/api/channels/telegram/pairing/000000/approve", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
