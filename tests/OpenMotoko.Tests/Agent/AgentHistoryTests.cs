using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Agent;
using OpenMotoko.Providers;
using OpenMotoko.Tests.Agent.Fakes;

namespace OpenMotoko.Tests.Agent;

public sealed class AgentHistoryTests
{
    [Fact]
    public async Task History_is_replayed_with_tool_calls_and_their_results()
    {
        await using var h = await AgentHarness.StartAsync();
        h.ThenToolCalls(("call_7", "get_current_time", """{"timezone":"UTC"}""")).ThenText(10, 5, "It is noon.").ThenText(10, 5, "You're welcome.");
        var id = await h.CreateConversationAsync();
        (await h.PostMessageAsync(id, "What time is it?")).EnsureSuccessStatusCode();

        (await h.PostMessageAsync(id, "Thanks!")).EnsureSuccessStatusCode();

        var third = h.ChatRequests[2];
        Assert.Equal("system,user,assistant+calls,tool,assistant,user", AgentHarness.Shape(third));
        var messages = third.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal("What time is it?", messages[1].GetProperty("content").GetString());
        var call = messages[2].GetProperty("tool_calls")[0];
        Assert.Equal("call_7", call.GetProperty("id").GetString());
        Assert.Equal("get_current_time", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("UTC", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("timezone").GetString());
        Assert.Equal("call_7", messages[3].GetProperty("tool_call_id").GetString());
        Assert.StartsWith("2026-11-28T12:00:00+00:00", messages[3].GetProperty("content").GetString());
        Assert.Equal("It is noon.", messages[4].GetProperty("content").GetString());
        Assert.Equal("Thanks!", messages[5].GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_failed_turn_is_shown_but_not_replayed_to_the_model()
    {
        await using var h = await AgentHarness.StartAsync();
        h.Fake.ThenError(400, "context_length_exceeded");
        h.ThenText(10, 5, "Now it works.");
        var id = await h.CreateConversationAsync();
        await (await h.PostMessageAsync(id, "First try")).Content.ReadAsStringAsync();

        (await h.PostMessageAsync(id, "Second try")).EnsureSuccessStatusCode();

        var second = h.ChatRequests[1];
        Assert.Equal("system,user,user", AgentHarness.Shape(second));
        Assert.Equal(["First try", "Second try"], second.GetProperty("messages").EnumerateArray().Skip(1).Select(m => m.GetProperty("content").GetString()!).ToList());
        var shown = await h.MessagesAsync(id);
        Assert.Equal(["user", "assistant", "user", "assistant"], shown.Select(m => m.GetProperty("role").GetString()));
        Assert.Contains("context_length_exceeded", shown[1].GetProperty("error").GetString());
    }

    [Fact]
    public async Task Trimming_to_the_context_window_drops_a_tool_call_together_with_its_result()
    {
        // An unknown model on the generic provider gets the default window; the tool's output alone fills half of it.
        await using var h = await AgentHarness.StartAsync(s => s.AddSingleton<IAgentTool>(new TextTool("big_output", () => new string('x', 200_000))));
        h.ThenToolCalls(("big_1", "big_output", "{}")).ThenText(10, 5, "That was a lot.").ThenText(10, 5, "Read it.");
        var id = await h.CreateConversationAsync(new { model = "generic/local-llama" });
        (await h.PostMessageAsync(id, "Show me something big")).EnsureSuccessStatusCode();
        var window = (OpenMotoko.Costs.PricingTable.DefaultContextWindow - AgentLoop.MaxOutputTokens) * AgentHistory.CharsPerToken;
        Assert.True(h.ChatRequests[1].GetRawText().Length < window, "the first run's history fits untrimmed");

        (await h.PostMessageAsync(id, new string('y', 60_000))).EnsureSuccessStatusCode();

        var trimmed = h.ChatRequests[2];
        Assert.Equal("system,assistant,user", AgentHarness.Shape(trimmed));
        Assert.Equal("That was a lot.", trimmed.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Equal(6, (await h.MessagesAsync(id)).Length); // everything is still stored and shown
    }

    [Fact]
    public void Trimming_never_keeps_a_result_without_its_call()
    {
        var args = JsonDocument.Parse("{}").RootElement;
        List<ChatMessage> history =
        [
            new(ChatRole.User, "a"),
            new(ChatRole.Assistant, null, [new ToolCall("c1", "t", args)]),
            new(ChatRole.Tool, null, null, [new ToolResult("c1", "t", new string('r', 4_000), false)]),
            new(ChatRole.User, "b"),
        ];

        var kept = AgentHistory.Trim(history, budgetTokens: 600, fixedTokens: 0);

        Assert.Equal([ChatRole.User], kept.Select(m => m.Role));
        Assert.Equal("b", kept[0].Text);
        Assert.Same(history, AgentHistory.Trim(history, budgetTokens: 2_000, fixedTokens: 0));
    }
}
