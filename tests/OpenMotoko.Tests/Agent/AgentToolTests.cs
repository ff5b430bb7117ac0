using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Events;
using OpenMotoko.Agent;
using OpenMotoko.Tests.Agent.Fakes;

namespace OpenMotoko.Tests.Agent;

public sealed class AgentToolTests
{
    [Fact]
    public async Task A_tool_round_trip_feeds_the_fake_clock_time_back_to_the_model()
    {
        var sink = new RecordingSink();
        await using var h = await AgentHarness.StartAsync(s => s.AddSingleton<IEventSubscriber>(sink));
        h.ThenToolCalls(("call_1", "get_current_time", """{"timezone":"Europe/Berlin"}""")).ThenText(300, 40, "It is 13:00 in Berlin.");
        var id = await h.CreateConversationAsync();

        using var response = await h.PostStreamingAsync(id, "What time is it in Berlin?");
        var events = await AgentHarness.AllEventsAsync(response);

        Assert.Equal(["tool.call", "tool.result", "message.delta", "message.done"], events.Select(e => e.Type));
        Assert.Equal("get_current_time", events[0].Data.GetProperty("name").GetString());
        Assert.Equal("Europe/Berlin", events[0].Data.GetProperty("arguments").GetProperty("timezone").GetString());
        var result = events[1].Data;
        Assert.Equal("call_1", result.GetProperty("id").GetString());
        Assert.False(result.GetProperty("isError").GetBoolean());
        Assert.Contains("2026-11-28T13:00:00+01:00", result.GetProperty("output").GetString()); // the fake clock is 12:00 UTC
        var usage = events[^1].Data.GetProperty("usage");
        Assert.Equal(400, usage.GetProperty("inputTokens").GetInt64());
        Assert.Equal(60, usage.GetProperty("outputTokens").GetInt64());
        Assert.Equal(0.000096m, usage.GetProperty("cost").GetDecimal()); // (100 + 300) × 0.15/M + (20 + 40) × 0.60/M

        var requests = h.ChatRequests;
        Assert.Equal(2, requests.Count);
        Assert.Contains(requests[0].GetProperty("tools").EnumerateArray(), t => t.GetProperty("function").GetProperty("name").GetString() == "get_current_time");
        Assert.Equal("system,user,assistant+calls,tool", AgentHarness.Shape(requests[1]));
        var toolMessage = requests[1].GetProperty("messages")[3];
        Assert.Equal("call_1", toolMessage.GetProperty("tool_call_id").GetString());
        Assert.Contains("2026-11-28T13:00:00+01:00", toolMessage.GetProperty("content").GetString());

        var stored = await h.MessagesAsync(id);
        Assert.Equal(["user", "assistant", "tool", "assistant"], stored.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("get_current_time", stored[1].GetProperty("toolCalls")[0].GetProperty("name").GetString());
        Assert.Equal("Europe/Berlin", stored[1].GetProperty("toolCalls")[0].GetProperty("arguments").GetProperty("timezone").GetString());
        Assert.Equal("call_1", stored[2].GetProperty("toolResults")[0].GetProperty("toolCallId").GetString());
        Assert.Equal(100, stored[1].GetProperty("inputTokens").GetInt64());

        var called = sink.Entries.Single(e => e.Type == "tool:called");
        Assert.Equal("core", called.SkillId);
        Assert.Equal("get_current_time", called.Data["tool"]!.GetValue<string>());
        var toolResult = sink.Entries.Single(e => e.Type == "tool:result");
        Assert.False(toolResult.Data["isError"]!.GetValue<bool>());
        Assert.Equal(2, sink.Entries.Count(e => e.Type == "llm:complete"));
    }

    [Fact]
    public async Task The_calls_of_one_turn_run_concurrently()
    {
        await using var h = await AgentHarness.StartAsync(s => s.AddSingleton<IAgentTool>(new RendezvousTool(3)));
        h.ThenToolCalls(("a", "rendezvous", "{}"), ("b", "rendezvous", "{}"), ("c", "rendezvous", "{}")).ThenText(10, 10, "All met.");
        var id = await h.CreateConversationAsync();

        using var response = await h.PostMessageAsync(id, "Meet up");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await h.MessagesAsync(id))[2].GetProperty("toolResults").EnumerateArray().ToList();
        Assert.Equal(["a", "b", "c"], results.Select(r => r.GetProperty("toolCallId").GetString()));
        Assert.All(results, r => Assert.False(r.GetProperty("isError").GetBoolean(), r.GetProperty("output").GetString()));
    }

    [Fact]
    public async Task The_loop_stops_after_agent_maxIterations_model_calls()
    {
        await using var h = await AgentHarness.StartAsync(settingsJson: """{"defaultModel": "openai/gpt-4o-mini", "agent.maxIterations": 2}""");
        h.ThenToolCalls(("t1", "get_current_time", "{}")).ThenToolCalls(("t2", "get_current_time", "{}")).ThenToolCalls(("t3", "get_current_time", "{}"));
        var id = await h.CreateConversationAsync();

        using var response = await h.PostMessageAsync(id, "Loop forever");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("agent.maxIterations", (await AgentHarness.JsonAsync(response)).GetProperty("content").GetString());
        Assert.Equal(2, h.ChatRequests.Count);
        Assert.Equal(["user", "assistant", "tool", "assistant", "tool", "assistant"], (await h.MessagesAsync(id)).Select(m => m.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task Tool_errors_refusals_and_unknown_tools_are_fed_back_as_error_results()
    {
        await using var h = await AgentHarness.StartAsync(s =>
        {
            s.AddSingleton<IAgentTool>(new TextTool("hidden_tool", () => "secret"));
            s.AddSingleton<IAgentTool>(new TextTool("save_note", () => "written"));
            s.AddSingleton<IAgentTool>(new TextTool("explode", () => throw new InvalidOperationException("disk on fire")));
            s.AddSingleton<IToolPolicy>(sp => new PickyPolicy(sp.GetRequiredService<EventBus>(), hidden: "hidden_tool", refused: "save_note"));
        });
        h.ThenToolCalls(
            ("c1", "get_current_time", """{"timezone":"Mars/Olympus_Mons"}"""),
            ("c2", "save_note", """{"path":"a.txt"}"""),
            ("c3", "hidden_tool", "{}"),
            ("c4", "explode", "{}")).ThenText(10, 10, "Sorry, none of that worked.");
        var id = await h.CreateConversationAsync();

        using var response = await h.PostStreamingAsync(id, "Do things");
        var events = await AgentHarness.AllEventsAsync(response);

        Assert.Contains(events, e => e.Type == "approval.required" && e.Data.GetProperty("tool").GetString() == "save_note");
        Assert.Equal("message.done", events[^1].Type);
        var offered = h.ChatRequests[0].GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).ToList();
        Assert.DoesNotContain("hidden_tool", offered);
        Assert.Contains("save_note", offered);

        var sent = h.ChatRequests[1].GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("role").GetString() == "tool")
            .ToDictionary(m => m.GetProperty("tool_call_id").GetString()!, m => m.GetProperty("content").GetString()!);
        Assert.StartsWith("Error: Unknown time zone 'Mars/Olympus_Mons'", sent["c1"]);
        Assert.Contains("refused: the owner said no", sent["c2"]);
        Assert.Contains("'hidden_tool' is not available", sent["c3"]);
        Assert.Contains("disk on fire", sent["c4"]);
        var results = events.Where(e => e.Type == "tool.result").ToList();
        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.True(r.Data.GetProperty("isError").GetBoolean()));
    }
}
