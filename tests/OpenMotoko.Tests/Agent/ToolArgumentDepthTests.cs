using System.Net;

namespace OpenMotoko.Tests.Agent;

/// <summary>Arguments a model sends that cannot be handled (too deep to nest in our events, not JSON) fail the call, not the run.</summary>
public sealed class ToolArgumentDepthTests
{
    private static string Nested(int depth) =>
        "{\"timezone\":\"UTC\",\"x\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}";

    [Theory]
    [InlineData(40)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(500)]
    public async Task Deep_arguments_become_a_tool_error_and_the_run_finishes(int depth)
    {
        await using var h = await AgentHarness.StartAsync();
        h.ThenToolCalls(("call_1", "get_current_time", Nested(depth))).ThenText(10, 5, "Done.");
        var id = await h.CreateConversationAsync();

        using var response = await h.PostMessageAsync(id, "What time is it?");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("Done.", text, StringComparison.Ordinal);
        Assert.Equal(2, h.ChatRequests.Count);
        var stored = await h.MessagesAsync(id);
        Assert.Equal(["user", "assistant", "tool", "assistant"], stored.Select(m => m.GetProperty("role").GetString()));
        var result = stored[2].GetProperty("toolResults")[0];
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Contains("nested at most 32 levels", result.GetProperty("output").GetString(), StringComparison.Ordinal);
        var replayed = h.ChatRequests[1].GetProperty("messages");
        Assert.Contains("nested at most 32 levels", replayed[replayed.GetArrayLength() - 1].GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arguments_within_the_limit_reach_the_tool()
    {
        await using var h = await AgentHarness.StartAsync();
        h.ThenToolCalls(("call_1", "get_current_time", Nested(32))).ThenText(10, 5, "Done.");
        var id = await h.CreateConversationAsync();

        using var response = await h.PostMessageAsync(id, "What time is it?");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await h.MessagesAsync(id))[2].GetProperty("toolResults")[0];
        Assert.False(result.GetProperty("isError").GetBoolean(), result.GetProperty("output").GetString());
    }
}
