using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Tests.Agent;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.Channels.Plugins;

public sealed class PluginApprovalTests
{
    [Fact]
    public async Task Approvals_are_asked_with_buttons_and_only_an_allowed_sender_decides()
    {
        await using var h = await PluginHarness.StartAsync(settingsJson:
            """{"defaultModel": "openai/gpt-4o-mini", "app.timezone": "UTC", "skills.memory.mode": "ask", "agent.approvalTimeoutSeconds": 300}""");
        await h.ConfigureAsync(new { dmPolicy = "allowlist", config = new { portFile = h.PortFile, allowFrom = new[] { "ann" }, streaming = false } });
        h.Model.Then(ctx => FakeOpenAi.StreamAsync(ctx, AgentHarness.ToolCallChunks(10, 5, ("call_1", "remember", """{"fact":"likes green tea"}"""))));
        h.Model.ThenText("Noted.");
        await h.SayAsync("c-ap", "ann", "remember I like green tea");

        var prompt = await PromptAsync(h);
        Assert.Contains("remember", prompt.GetProperty("text").GetString(), StringComparison.Ordinal);
        var approve = prompt.GetProperty("buttons")[0].GetProperty("data").GetString()!;
        Assert.EndsWith(":y", approve, StringComparison.Ordinal);

        await Press(h, "eve", approve); // someone the allowlist does not let in
        await h.WaitForShownAsync("c-ap", s => s.Contains("Only the people this channel answers can decide."), "the stranger's press refused");
        Assert.Contains("remember", await h.Client.GetStringAsync("/api/approvals"), StringComparison.Ordinal);

        await Press(h, "ann", approve);
        await h.WaitForShownAsync("c-ap", s => s.Contains("Approved ✅") && s[^1] == "Noted.", "the approval and the answer");
        Assert.Equal(2, h.ModelCalls);
    }

    private static async Task<JsonElement> PromptAsync(PluginHarness h)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var prompts = (await h.SentAsync("c-ap")).Where(m => m.GetProperty("buttons").GetArrayLength() == 2).ToArray();
            if (prompts.Length > 0)
            {
                return prompts[0];
            }
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the approval prompt");
            await Task.Delay(50);
        }
    }

    private static async Task Press(PluginHarness h, string sender, string data)
    {
        using var response = await h.Plugin.PostAsJsonAsync("/callback", new { chatId = "c-ap", senderId = sender, data });
        response.EnsureSuccessStatusCode();
    }
}
