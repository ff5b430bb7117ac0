using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Tests.Agent;

namespace OpenMotoko.Tests.EndToEnd;

/// <summary>The merged daemon end to end: the agent loop with the real budget guard, skills, approvals and memory.</summary>
public sealed class AgentWithSkillsTests
{
    private const string Defaults = """{"defaultModel": "openai/gpt-4o-mini", "app.timezone": "UTC"}""";

    [Fact]
    public async Task Once_the_daily_budget_is_spent_the_next_message_makes_no_provider_request()
    {
        await using var h = await AgentHarness.StartAsync();
        using (var put = await h.Client.PutAsJsonAsync("/api/settings/budget", new { daily = 0.00002m, monthly = 0m, alertThresholds = new[] { 0.5m } }))
        {
            put.EnsureSuccessStatusCode();
        }
        h.ThenText(100, 20, "First answer.");
        var id = await h.CreateConversationAsync();
        using (var first = await h.PostMessageAsync(id, "Hello"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var refused = await h.PostMessageAsync(id, "Again");
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        var error = await AgentHarness.JsonAsync(refused);
        Assert.Equal("BUDGET_EXCEEDED", error.GetProperty("code").GetString());
        Assert.Contains("$0.000027", error.GetProperty("error").GetString());

        using var compat = await h.Client.PostAsJsonAsync("/v1/chat/completions", new { model = "openai/gpt-4o-mini", messages = new[] { new { role = "user", content = "Hi" } } });
        Assert.Equal((HttpStatusCode)429, compat.StatusCode);
        Assert.True((await AgentHarness.JsonAsync(compat)).GetProperty("error").TryGetProperty("message", out _));

        Assert.Single(h.ChatRequests); // 100 × 0.15/M + 20 × 0.60/M = 0.000027: only the first call reached the provider
        var today = await h.Client.GetFromJsonAsync<JsonElement>("/api/costs/today");
        Assert.Equal(0.000027m, today.GetProperty("total").GetDecimal());
        var alerts = await h.Client.GetFromJsonAsync<JsonElement>("/api/activity?type=budget:alert");
        Assert.Equal(1, alerts.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_file_write_in_ask_mode_waits_for_the_owner_and_runs_once_approved()
    {
        await using var h = await AgentHarness.StartAsync(settingsJson: Defaults);
        h.ThenToolCalls(("call_w", "write_file", """{"path":"notes/todo.txt","content":"buy milk"}""")).ThenText(10, 5, "Saved.");
        var id = await h.CreateConversationAsync();

        using var response = await h.PostStreamingAsync(id, "Write my todo list");
        var types = new List<string>();
        JsonElement? result = null;
        await foreach (var e in AgentHarness.EventsAsync(response))
        {
            types.Add(e.Type);
            if (e.Type == "approval.required")
            {
                Assert.False(File.Exists(Path.Combine(h.App.DataDir, "workspace", "notes", "todo.txt")));
                var pending = await h.Client.GetFromJsonAsync<JsonElement>("/api/approvals");
                Assert.Equal("write_file", pending[0].GetProperty("tool").GetString());
                var approvalId = e.Data.GetProperty("approvalId").GetString();
                using var decide = await h.Client.PostAsJsonAsync($"/api/approvals/{approvalId}", new { approve = true });
                decide.EnsureSuccessStatusCode();
            }
            if (e.Type == "tool.result")
            {
                result = e.Data;
            }
        }

        Assert.Equal(["tool.call", "approval.required", "tool.result", "message.delta", "message.done"], types);
        Assert.False(result!.Value.GetProperty("isError").GetBoolean());
        Assert.Equal("buy milk", await File.ReadAllTextAsync(Path.Combine(h.App.DataDir, "workspace", "notes", "todo.txt")));
    }

    [Fact]
    public async Task A_denied_command_is_not_run_and_the_model_hears_why()
    {
        await using var h = await AgentHarness.StartAsync(settingsJson: Defaults);
        h.ThenToolCalls(("call_x", "execute_command", """{"command":"touch ran.txt"}""")).ThenText(10, 5, "Understood.");
        var id = await h.CreateConversationAsync();

        using var response = await h.PostStreamingAsync(id, "Run it");
        await foreach (var e in AgentHarness.EventsAsync(response))
        {
            if (e.Type == "approval.required")
            {
                using var decide = await h.Client.PostAsJsonAsync($"/api/approvals/{e.Data.GetProperty("approvalId").GetString()}", new { approve = false });
                decide.EnsureSuccessStatusCode();
            }
        }

        Assert.False(File.Exists(Path.Combine(h.App.DataDir, "workspace", "ran.txt")));
        var toolMessage = h.ChatRequests[1].GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Contains("refused", toolMessage.GetProperty("content").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_disabled_skill_is_not_offered_to_the_model()
    {
        await using var h = await AgentHarness.StartAsync(settingsJson: Defaults);
        using (var toggle = await h.Client.PostAsync("/api/skills/shell/toggle", null))
        {
            Assert.False((await AgentHarness.JsonAsync(toggle)).GetProperty("enabled").GetBoolean());
        }
        h.ThenText(10, 5, "Hi.");
        var id = await h.CreateConversationAsync();
        using (var reply = await h.PostMessageAsync(id, "Hello"))
        {
            reply.EnsureSuccessStatusCode();
        }

        var offered = h.ChatRequests[0].GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).ToList();
        Assert.DoesNotContain("execute_command", offered);
        Assert.Contains("read_file", offered);
        Assert.Contains("remember", offered);
    }

    [Fact]
    public async Task A_remembered_fact_reaches_the_system_prompt_of_a_later_conversation()
    {
        await using var h = await AgentHarness.StartAsync(settingsJson: Defaults);
        h.ThenToolCalls(("call_m", "remember", """{"fact":"The owner's cat is called Miso."}""")).ThenText(10, 5, "Noted.").ThenText(10, 5, "Miso.");
        var first = await h.CreateConversationAsync();
        using (var reply = await h.PostMessageAsync(first, "Remember that my cat is called Miso"))
        {
            reply.EnsureSuccessStatusCode();
        }

        var second = await h.CreateConversationAsync();
        using (var reply = await h.PostMessageAsync(second, "What is my cat called?"))
        {
            reply.EnsureSuccessStatusCode();
        }

        var system = h.ChatRequests[2].GetProperty("messages")[0];
        Assert.Equal("system", system.GetProperty("role").GetString());
        Assert.Contains("Miso", system.GetProperty("content").GetString());
    }
}
