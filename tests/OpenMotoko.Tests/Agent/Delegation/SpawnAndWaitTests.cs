using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Tests.Conversations;
using static OpenMotoko.Tests.Agent.Delegation.AgentsApiKit;
using static OpenMotoko.Tests.Agent.Delegation.RunScripts;

namespace OpenMotoko.Tests.Agent.Delegation;

public sealed class SpawnAndWaitTests
{
    [Fact]
    public async Task A_parent_spawns_two_children_waits_and_answers_with_both_results()
    {
        await using var h = await AgentHarness.StartAsync();
        var scripts = new RunScripts(h.Fake)
            .On("PARENT", Calls(("s1", "spawn_agent", new { task = "CHILD-A: find alpha", name = "alpha" }),
                                ("s2", "spawn_agent", new { task = "CHILD-B: find beta", name = "beta", budgetUsd = 0.25 })),
                WaitForSpawned(), EchoLastToolResult())
            .On("CHILD-A", Text("Alpha is 1."))
            .On("CHILD-B", Text("Beta is 2."));
        var conversation = await h.CreateConversationAsync();

        using var response = await h.PostMessageAsync(conversation, "PARENT: split the work");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = (await AgentHarness.JsonAsync(response)).GetProperty("content").GetString()!;
        var waited = JsonNode.Parse(reply["Got: ".Length..])!;
        Assert.False(waited["timedOut"]!.GetValue<bool>());
        var outputs = waited["agents"]!.AsArray().ToDictionary(a => a!["name"]!.GetValue<string>(), a => a!);
        Assert.Equal("completed", outputs["alpha"]!["status"]!.GetValue<string>());
        Assert.Equal("Alpha is 1.", outputs["alpha"]!["output"]!.GetValue<string>());
        Assert.Equal("Beta is 2.", outputs["beta"]!["output"]!.GetValue<string>());

        var parentRequests = scripts.RequestsOf("PARENT");
        var spawned = SpawnedIds(parentRequests[1]);
        Assert.Equal(2, spawned.Length);
        var page = await AgentsAsync(h.Client);
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        var parent = Items(page).Single(r => r.GetProperty("parentId").ValueKind == JsonValueKind.Null);
        Assert.Equal(conversation, parent.GetProperty("conversationId").GetString());
        Assert.Equal("completed", parent.GetProperty("status").GetString());
        Assert.Equal(0, parent.GetProperty("depth").GetInt32());
        Assert.Equal("PARENT: split the work", parent.GetProperty("task").GetString());
        Assert.Equal("openai/gpt-4o-mini", parent.GetProperty("model").GetString());
        foreach (var id in spawned)
        {
            var child = await AgentAsync(h.Client, id);
            Assert.Equal(parent.GetProperty("id").GetString(), child.GetProperty("parentId").GetString());
            Assert.Equal(1, child.GetProperty("depth").GetInt32());
            Assert.Equal("completed", child.GetProperty("status").GetString());
            Assert.NotEqual(conversation, child.GetProperty("conversationId").GetString());
            Assert.True(child.GetProperty("spentUsd").GetDecimal() > 0);
            Assert.True(child.GetProperty("finishedAt").GetInt64() > 0);
        }
        var beta = Items(page).Single(r => r.GetProperty("name").GetString() == "beta");
        Assert.Equal(0.25m, beta.GetProperty("budgetUsd").GetDecimal());
        Assert.Equal(0.5m, Items(page).Single(r => r.GetProperty("name").GetString() == "alpha").GetProperty("budgetUsd").GetDecimal());
        Assert.Equal("Beta is 2.", beta.GetProperty("output").GetString());

        var detail = await AgentAsync(h.Client, parent.GetProperty("id").GetString()!);
        Assert.Equal(spawned.Order(), detail.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).Order());
        var childConversation = await h.GetConversationAsync(beta.GetProperty("conversationId").GetString()!);
        Assert.Equal("CHILD-B: find beta", childConversation.GetProperty("messages")[0].GetProperty("content").GetString());

        var activity = await h.Client.GetFromJsonAsync<JsonElement>("/api/activity?limit=100");
        var types = activity.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("type").GetString()).ToList();
        Assert.Equal(2, types.Count(t => t == "agent:spawned"));
        Assert.Equal(2, types.Count(t => t == "agent:completed"));
    }

    [Fact]
    public async Task A_child_may_spawn_but_a_grandchild_may_not()
    {
        await using var h = await AgentHarness.StartAsync();
        var scripts = new RunScripts(h.Fake)
            .On("ROOT", Calls(("s1", "spawn_agent", new { task = "LEVEL-ONE work" })), WaitForSpawned(), EchoLastToolResult())
            .On("LEVEL-ONE", Calls(("s1", "spawn_agent", new { task = "LEVEL-TWO work" })), WaitForSpawned(), EchoLastToolResult())
            .On("LEVEL-TWO", Calls(("s1", "spawn_agent", new { task = "LEVEL-THREE work" })), EchoLastToolResult());
        var conversation = await h.CreateConversationAsync();

        using var response = await h.PostMessageAsync(conversation, "ROOT task");

        var reply = (await AgentHarness.JsonAsync(response)).GetProperty("content").GetString()!;
        Assert.Contains("agents.maxDepth", reply, StringComparison.Ordinal); // the grandchild's refusal bubbled up as its answer
        Assert.Empty(scripts.RequestsOf("LEVEL-THREE"));
        var depths = Items(await AgentsAsync(h.Client)).Select(r => r.GetProperty("depth").GetInt32()).Order();
        Assert.Equal([0, 1, 2], depths);
    }

    [Fact]
    public async Task Beyond_max_concurrent_children_wait_queued_for_a_slot()
    {
        await using var h = await AgentHarness.StartAsync();
        await Providers.Routing.RouterTestKit.SetAsync(h.App, """{"agents.maxConcurrent": 1}""");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scripts = new RunScripts(h.Fake)
            .On("BOSS", Calls(("s1", "spawn_agent", new { task = "FIRST job", name = "first" })), Calls(("s2", "spawn_agent", new { task = "SECOND job", name = "second" })),
                WaitForSpawned(), EchoLastToolResult())
            .On("FIRST", Stall("Working", started, release: release.Task))
            .On("SECOND", Text("Second done."));
        var conversation = await h.CreateConversationAsync();

        var posting = h.PostMessageAsync(conversation, "BOSS task");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var page = await UntilAsync(h.Client, items => items.Length == 3);
        Assert.Equal("running", Items(page).Single(r => r.GetProperty("name").GetString() == "first").GetProperty("status").GetString());
        Assert.Equal("queued", Items(page).Single(r => r.GetProperty("name").GetString() == "second").GetProperty("status").GetString());
        Assert.Empty(scripts.RequestsOf("SECOND"));

        release.SetResult();
        using var response = await posting;

        var waited = JsonNode.Parse((await AgentHarness.JsonAsync(response)).GetProperty("content").GetString()!["Got: ".Length..])!;
        Assert.Equal(["completed", "completed"], waited["agents"]!.AsArray().Select(a => a!["status"]!.GetValue<string>()));
        Assert.Equal("Second done.", waited["agents"]![1]!["output"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_wait_that_times_out_returns_what_the_child_had_so_far()
    {
        await using var h = await AgentHarness.StartAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scripts = new RunScripts(h.Fake)
            .On("IMPATIENT", Calls(("s1", "spawn_agent", new { task = "SLOW job" })), WaitForSpawned(timeoutSec: 5), EchoLastToolResult())
            .On("SLOW", Stall("Half of the answer", started, aborted));
        var conversation = await h.CreateConversationAsync();

        var posting = h.PostMessageAsync(conversation, "IMPATIENT task");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        while (scripts.RequestsOf("IMPATIENT").Length < 2)
        {
            await Task.Delay(10); // the parent is about to wait
        }
        using var response = await Providers.Routing.RouterTestKit.DriveClockAsync(h.App, posting);

        var waited = JsonNode.Parse((await AgentHarness.JsonAsync(response)).GetProperty("content").GetString()!["Got: ".Length..])!;
        Assert.True(waited["timedOut"]!.GetValue<bool>());
        var child = waited["agents"]![0]!;
        Assert.Equal("running", child["status"]!.GetValue<string>());
        Assert.Equal("Half of the answer", child["partial"]!.GetValue<string>());
        // The parent ended without collecting it: the child is cancelled, its provider call aborted.
        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var ended = await UntilStatusAsync(h.Client, child["id"]!.GetValue<string>(), "cancelled");
        Assert.Equal("cancelled", ended.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_model_may_only_wait_on_and_cancel_its_own_children()
    {
        await using var h = await AgentHarness.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? strangerId = null;
        var scripts = new RunScripts(h.Fake)
            .On("OWNER", Calls(("s1", "spawn_agent", new { task = "MINE job" })), WaitForSpawned(), EchoLastToolResult())
            .On("MINE", Stall("...", started, release: release.Task))
            .On("THIEF", (ctx, request) => Calls(("w1", "wait_agents", new { ids = new[] { strangerId! } }), ("c1", "cancel_agent", new { id = strangerId! }),
                    ("c2", "cancel_agent", new { id = "no-such-agent" }))(ctx, request),
                (ctx, request) => Text(string.Join("\n", ToolResults(request).Select(r => r.Content)))(ctx, request));
        var owner = await h.CreateConversationAsync();
        var posting = h.PostMessageAsync(owner, "OWNER task");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        strangerId = Items(await AgentsAsync(h.Client)).Single(r => r.GetProperty("depth").GetInt32() == 1).GetProperty("id").GetString();

        using var thief = await h.PostMessageAsync(await h.CreateConversationAsync(), "THIEF task");

        var answer = (await AgentHarness.JsonAsync(thief)).GetProperty("content").GetString()!.Split('\n');
        Assert.All(answer, line => Assert.Contains("is not a sub-agent you started", line, StringComparison.Ordinal));
        Assert.Equal(3, answer.Length);
        Assert.Equal("running", (await AgentAsync(h.Client, strangerId!)).GetProperty("status").GetString());
        release.SetResult();
        using var done = await posting;
        Assert.Equal("completed", (await UntilStatusAsync(h.Client, strangerId!, "completed")).GetProperty("status").GetString());
    }
}
