using System.Net.Http.Json;
using System.Text.Json;

namespace OpenMotoko.Tests.Channels.Plugins;

public sealed class PluginChatTests
{
    [Fact]
    public async Task A_message_in_a_plugin_chat_is_answered_by_the_agent_through_the_plugin()
    {
        await using var h = await PluginHarness.StartAsync();
        h.Model.ThenText("Hello ", "from the model.");
        await h.SayAsync("chat-1", "ann", "hi there");
        await h.WaitForShownAsync("chat-1", s => s.Length > 0 && s[^1] == "Hello from the model.", "the answer");
        Assert.Equal(1, h.ModelCalls);

        var conversations = await h.Client.GetFromJsonAsync<JsonElement>("/api/conversations");
        var conversation = conversations.GetProperty("items")[0];
        Assert.Equal(PluginHarness.Id, conversation.GetProperty("channelId").GetString());
        var detail = await h.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation.GetProperty("id").GetString()}");
        Assert.Equal("hi there", detail.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal("Hello from the model.", detail.GetProperty("messages")[1].GetProperty("content").GetString());

        // Chat commands are the daemon's, answered without the model.
        await h.SayAsync("chat-1", "ann", "/help");
        await h.WaitForShownAsync("chat-1", s => s[^1].StartsWith("Commands:", StringComparison.Ordinal), "the /help answer");
        Assert.Equal(1, h.ModelCalls);
    }

    [Fact]
    public async Task Pairing_applies_to_plugin_senders()
    {
        await using var h = await PluginHarness.StartAsync(dmPolicy: "pairing");
        await h.SayAsync("dm-7", "stranger", "do my errands");
        await h.WaitForShownAsync("dm-7", s => s.Length == 1, "the pairing reply");
        var code = ChannelHarness.PairingCode((await h.ShownAsync("dm-7"))[0]);
        Assert.Matches("^[0-9]{6}$", code);
        // The chat's messages are handled in order: whatever the first one started is done once the second is answered.
        await h.SayAsync("dm-7", "stranger", "hello?");
        await h.WaitForShownAsync("dm-7", s => s.Length == 2, "the second pairing reply");
        Assert.Equal(0, h.ModelCalls);
        Assert.Equal(0, (await h.Client.GetFromJsonAsync<JsonElement>("/api/conversations")).GetProperty("total").GetInt32());

        using var approve = await h.Client.PostAsync($"/api/channels/{PluginHarness.Id}/pairing/{code}/approve", null);
        approve.EnsureSuccessStatusCode();
        await h.WaitForShownAsync("dm-7", s => s.Length == 3 && s[2].Contains("approved", StringComparison.Ordinal), "the approval notice");

        h.Model.ThenText("Done.");
        await h.SayAsync("dm-7", "stranger", "do my errands");
        await h.WaitForShownAsync("dm-7", s => s[^1] == "Done.", "the answer after pairing");
        Assert.Equal(1, h.ModelCalls);
    }

    [Fact]
    public async Task A_crashed_plugin_is_restarted_with_a_growing_backoff_on_the_clock()
    {
        await using var h = await PluginHarness.StartAsync();
        for (var (attempt, seconds) = (0, 1); attempt < 2; attempt++, seconds *= 2)
        {
            File.Delete(h.PortFile);
            using (var crash = await h.Plugin.PostAsync("/crash", null))
            {
                crash.EnsureSuccessStatusCode();
            }
            await h.WaitForStatusAsync("error", $"restarting in {seconds} s");
            Assert.Contains("exit code 3", (await h.ChannelAsync()).GetProperty("lastError").GetString(), StringComparison.Ordinal);
            await h.App.Time.WaitForTimerDueInAsync(TimeSpan.FromSeconds(seconds), "the restart back-off"); // parked: no restart until the clock moves
            Assert.False(File.Exists(h.PortFile), "restarted before the back-off elapsed on the clock");
            h.App.Time.Advance(TimeSpan.FromSeconds(seconds));
            await h.ConnectAsync();
        }

        // The restarted plugin is the same channel: the chat still works.
        h.Model.ThenText("Back again.");
        await h.SayAsync("chat-2", "ann", "are you there?");
        await h.WaitForShownAsync("chat-2", s => s.Length > 0 && s[^1] == "Back again.", "the answer after the restart");
    }

    [Fact]
    public async Task A_plugin_gets_only_the_environment_its_config_declares()
    {
        Environment.SetEnvironmentVariable("OPENMOTOKO_TEST_PLUGIN_LEAK", "sk-process-secret-0123456789");
        await using var h = await PluginHarness.StartAsync(extraEnvironment: new() { ["ANTHROPIC_API_KEY"] = "sk-ant-daemon-0123456789" });
        await h.ConfigureAsync(new { config = new { portFile = h.PortFile, env = new Dictionary<string, string> { ["GREETING"] = "hello-from-config" } } });
        var env = await h.Plugin.GetFromJsonAsync<Dictionary<string, string>>("/env");
        Assert.True(env!.ContainsKey("GREETING"), $"env {string.Join(",", env.Keys)}; channel {await h.ChannelAsync()}");
        Assert.Equal("hello-from-config", env["GREETING"]);
        Assert.True(env.ContainsKey("PATH"));
        Assert.Equal(Path.Combine(h.App.DataDir, "plugins", PluginHarness.Id), env["HOME"]);
        Assert.DoesNotContain("OPENMOTOKO_TEST_PLUGIN_LEAK", env.Keys);
        Assert.DoesNotContain("OPENAI_API_KEY", env.Keys);
        Assert.DoesNotContain("ANTHROPIC_API_KEY", env.Keys);
        Assert.All(env.Keys, k => Assert.Contains(k, new[] { "PATH", "HOME", "GREETING", "OPENMOTOKO_COMMAND" }));

        // The env values are secrets: masked on read.
        var config = (await h.ChannelAsync()).GetProperty("config");
        Assert.Equal("hel...nfig", config.GetProperty("env").GetProperty("GREETING").GetString());
    }

    [Fact]
    public async Task Unknown_and_oversized_lines_are_skipped_and_the_plugin_keeps_working()
    {
        await using var h = await PluginHarness.StartAsync();
        foreach (var line in new[] { """{"type":"bogus","x":1}""", "not json at all", """{"type":"inbound","chatId":"c"}""",
                     """{"type":"inbound","chatId":"big","senderId":"ann","text":" """ + new string('x', 300_000) + "\"}" })
        {
            using var response = await h.Plugin.PostAsJsonAsync("/emit", new { line });
            response.EnsureSuccessStatusCode();
        }
        h.Model.ThenText("Still here.");
        await h.SayAsync("chat-3", "ann", "ping");
        await h.WaitForShownAsync("chat-3", s => s.Length > 0 && s[^1] == "Still here.", "the answer after bad lines");
        Assert.Empty(await h.ShownAsync("big"));
        Assert.Equal(1, h.ModelCalls);
        Assert.Equal("running", (await h.ChannelAsync()).GetProperty("status").GetString());
    }
}
