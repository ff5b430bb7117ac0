using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Tests.Providers.Routing;
using static OpenMotoko.Tests.Agent.Delegation.AgentsApiKit;
using static OpenMotoko.Tests.Agent.Delegation.RunScripts;

namespace OpenMotoko.Tests.Agent.Delegation;

public sealed class ChildLimitsTests
{
    private static JsonNode Waited(JsonElement reply) => JsonNode.Parse(reply.GetProperty("content").GetString()!["Got: ".Length..])!;

    private static string[] OfferedTools(JsonElement request) =>
        [.. request.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!).Order()];

    [Fact]
    public async Task A_child_that_spends_its_budget_stops_failed_with_reason_budget()
    {
        await using var h = await AgentHarness.StartAsync();
        // 10 000 tokens in and 1 000 out on gpt-4o-mini cost 0.0021 USD, past the child's 0.001.
        var scripts = new RunScripts(h.Fake)
            .On("SPENDER-PARENT", Calls(("s1", "spawn_agent", new { task = "THRIFTY job", budgetUsd = 0.001 })), WaitForSpawned(), EchoLastToolResult())
            .On("THRIFTY", Calls(10_000, 1_000, ("t1", "get_current_time", new { })), Text("never asked"));

        using var response = await h.PostMessageAsync(await h.CreateConversationAsync(), "SPENDER-PARENT task");

        var child = Waited(await AgentHarness.JsonAsync(response))["agents"]![0]!;
        Assert.Equal("failed", child["status"]!.GetValue<string>());
        Assert.Equal("budget", child["reason"]!.GetValue<string>());
        Assert.Contains("budget of 0.001", child["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(scripts.RequestsOf("THRIFTY")); // the second call was refused before it reached the provider
        var stored = await AgentAsync(h.Client, child["id"]!.GetValue<string>());
        Assert.Equal(0.0021m, stored.GetProperty("spentUsd").GetDecimal());
        Assert.Equal("budget", stored.GetProperty("reason").GetString());
        var activity = await h.Client.GetFromJsonAsync<JsonElement>("/api/activity?type=agent:failed");
        Assert.Equal("budget", activity.GetProperty("items")[0].GetProperty("data").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_global_budget_guard_stops_a_child_with_reason_budget_too()
    {
        await using var h = await AgentHarness.StartAsync();
        new RunScripts(h.Fake)
            .On("GUARDED-PARENT", Calls(10_000, 1_000, ("s1", "spawn_agent", new { task = "BROKE job" })), WaitForSpawned(), EchoLastToolResult())
            .On("BROKE", Text("never asked"));
        using (var set = await h.Client.PutAsJsonAsync("/api/settings/budget", new { daily = 0.002, monthly = 0 }))
        {
            set.EnsureSuccessStatusCode();
        }

        using var response = await h.PostMessageAsync(await h.CreateConversationAsync(), "GUARDED-PARENT task");

        // The parent's first call spent 0.0021 of the 0.002 day: the child is refused, and so is the parent's next call.
        var parent = Assert.Single(Items(await AgentsAsync(h.Client)), r => r.GetProperty("depth").GetInt32() == 0);
        var child = await UntilStatusAsync(h.Client, Assert.Single(Items(await AgentsAsync(h.Client)), r => r.GetProperty("depth").GetInt32() == 1)
            .GetProperty("id").GetString()!, "failed");
        Assert.Equal("budget", child.GetProperty("reason").GetString());
        Assert.Equal("failed", parent.GetProperty("status").GetString());
        Assert.Equal("budget", parent.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_child_gets_its_parents_skills_or_the_subset_it_was_given()
    {
        await using var h = await AgentHarness.StartAsync();
        using (var toggled = await h.Client.PostAsync("/api/skills/web/toggle", null))
        {
            toggled.EnsureSuccessStatusCode(); // the owner switched web off: the parent has no web skill to hand down
        }
        var scripts = new RunScripts(h.Fake)
            .On("SKILLED-PARENT", Calls(("s1", "spawn_agent", new { task = "ALL-SKILLS job" }), ("s2", "spawn_agent", new { task = "CORE-ONLY job", tools = new[] { "core" } }),
                    ("s3", "spawn_agent", new { task = "WEB job", tools = new[] { "web" } }), ("s4", "spawn_agent", new { task = "BAD job", tools = "core" })),
                WaitForSpawned(), (ctx, request) => Text(string.Join("\n", ToolResults(request).Take(4).Select(r => r.Content)))(ctx, request))
            .On("ALL-SKILLS", Text("done"))
            .On("CORE-ONLY", Text("done"));

        using var response = await h.PostMessageAsync(await h.CreateConversationAsync(), "SKILLED-PARENT task");

        var results = (await AgentHarness.JsonAsync(response)).GetProperty("content").GetString()!.Split('\n');
        Assert.Contains("'tools' may only name skills you have", results[2], StringComparison.Ordinal);
        Assert.Contains("not web", results[2], StringComparison.Ordinal);
        Assert.Contains("'tools' must be an array of skill ids", results[3], StringComparison.Ordinal);
        var parentTools = OfferedTools(scripts.RequestsOf("SKILLED-PARENT")[0]);
        Assert.Equal(parentTools, OfferedTools(scripts.RequestsOf("ALL-SKILLS")[0]));
        Assert.Contains("spawn_agent", parentTools);
        Assert.DoesNotContain("fetch_url", parentTools);
        Assert.Equal(["get_current_time"], OfferedTools(scripts.RequestsOf("CORE-ONLY")[0]));
        Assert.Empty(scripts.RequestsOf("WEB"));
    }

    [Fact]
    public async Task Bad_spawn_arguments_are_refused_to_the_model_and_start_nothing()
    {
        await using var h = await AgentHarness.StartAsync();
        new RunScripts(h.Fake)
            .On("CARELESS", Calls(("s1", "spawn_agent", new { }), ("s2", "spawn_agent", new { task = "X", budgetUsd = -1 }),
                    ("s3", "spawn_agent", new { task = "X", budgetUsd = 1000 }), ("s4", "spawn_agent", new { task = "X", model = "nosuch/model" }),
                    ("s5", "spawn_agent", new { task = "X", name = new string('n', 81) }), ("s6", "wait_agents", new { ids = Array.Empty<string>() }),
                    ("s7", "cancel_agent", new { })),
                (ctx, request) => Text(string.Join("\n", ToolResults(request).Select(r => r.Content)))(ctx, request));

        using var response = await h.PostMessageAsync(await h.CreateConversationAsync(), "CARELESS task");

        var results = (await AgentHarness.JsonAsync(response)).GetProperty("content").GetString()!.Split('\n');
        Assert.Equal(7, results.Length);
        Assert.Contains("'task' is required", results[0], StringComparison.Ordinal);
        Assert.Contains("'budgetUsd' must be a number above 0", results[1], StringComparison.Ordinal);
        Assert.Contains("'budgetUsd' must be a number above 0", results[2], StringComparison.Ordinal);
        Assert.Contains("'model'", results[3], StringComparison.Ordinal);
        Assert.Contains("'name' must be 1 to 80 characters", results[4], StringComparison.Ordinal);
        Assert.Contains("'ids' must be an array of 1 to 20", results[5], StringComparison.Ordinal);
        Assert.Contains("'id' is required", results[6], StringComparison.Ordinal);
        Assert.Single(Items(await AgentsAsync(h.Client)));
    }

    [Fact]
    public async Task A_childs_approval_is_asked_like_its_parents()
    {
        await using var h = await AgentHarness.StartAsync();
        await RouterTestKit.SetAsync(h.App, """{"skills.memory.mode": "ask"}""");
        new RunScripts(h.Fake)
            .On("ASKING-PARENT", Calls(("s1", "spawn_agent", new { task = "REMEMBERING job" })), WaitForSpawned(), EchoLastToolResult())
            .On("REMEMBERING", Calls(("r1", "remember", new { fact = "The owner likes tea." })), EchoLastToolResult());

        var posting = h.PostMessageAsync(await h.CreateConversationAsync(), "ASKING-PARENT task");
        JsonElement approval = default;
        for (var i = 0; i < 300 && approval.ValueKind != JsonValueKind.Object; i++)
        {
            var pending = await h.Client.GetFromJsonAsync<JsonElement>("/api/approvals");
            approval = pending.EnumerateArray().FirstOrDefault();
            await Task.Delay(20);
        }
        var child = Assert.Single(Items(await AgentsAsync(h.Client)), r => r.GetProperty("depth").GetInt32() == 1);
        Assert.Equal(child.GetProperty("id").GetString(), approval.GetProperty("runId").GetString());
        Assert.Equal("remember", approval.GetProperty("tool").GetString());
        using (var decided = await h.Client.PostAsJsonAsync($"/api/approvals/{approval.GetProperty("id").GetString()}", new { approve = true }))
        {
            decided.EnsureSuccessStatusCode();
        }

        using var response = await posting;
        var output = Waited(await AgentHarness.JsonAsync(response))["agents"]![0]!["output"]!.GetValue<string>();
        Assert.Contains("The owner likes tea.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("refused", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_agents_settings_are_checked()
    {
        await using var h = await AgentHarness.StartAsync();
        foreach (var bad in new object[]
                 {
                     new Dictionary<string, object> { ["agents.defaultBudgetUsd"] = 0 },
                     new Dictionary<string, object> { ["agents.defaultBudgetUsd"] = 100.5 },
                     new Dictionary<string, object> { ["agents.defaultBudgetUsd"] = "0.5" },
                     new Dictionary<string, object> { ["agents.maxDepth"] = 6 },
                     new Dictionary<string, object> { ["agents.maxConcurrent"] = 0 },
                 })
        {
            using var refused = await h.Client.PutAsJsonAsync("/api/settings", bad);
            await Conversations.ConversationsApiTests.AssertEnvelope(refused, System.Net.HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        }
        using var accepted = await h.Client.PutAsJsonAsync("/api/settings",
            new Dictionary<string, object> { ["agents.defaultBudgetUsd"] = 0.25, ["agents.maxDepth"] = 0, ["agents.maxConcurrent"] = 8 });
        var settings = await AgentHarness.JsonAsync(accepted);
        Assert.Equal(0.25m, settings.GetProperty("agents.defaultBudgetUsd").GetDecimal());
        Assert.Equal(0, settings.GetProperty("agents.maxDepth").GetInt32());
        Assert.Equal(8, settings.GetProperty("agents.maxConcurrent").GetInt32());

        // maxDepth 0: no sub-agents at all.
        new RunScripts(h.Fake).On("LONELY", Calls(("s1", "spawn_agent", new { task = "anything" })), EchoLastToolResult());
        using var response = await h.PostMessageAsync(await h.CreateConversationAsync(), "LONELY task");
        Assert.Contains("agents.maxDepth is 0", (await AgentHarness.JsonAsync(response)).GetProperty("content").GetString(), StringComparison.Ordinal);
    }
}
