using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Agent;
using OpenMotoko.Approvals;
using OpenMotoko.Tests.Skills;
using static OpenMotoko.Tests.Skills.SkillTestKit;

namespace OpenMotoko.Tests.Approvals;

public sealed class ApprovalFlowTests
{
    private static async Task<(TestApp App, HttpClient Client)> StartAskingAsync()
    {
        var app = await TestApp.StartAsync();
        var client = await app.LoginClientAsync();
        await PutSettingsAsync(client, new Dictionary<string, object> { ["skills.memory.mode"] = "ask", ["agent.approvalTimeoutSeconds"] = 60 });
        return (app, client);
    }

    private static Task<ToolDecision> AskAsync(TestApp app, CapturedRunEvents events, string argumentsJson, CancellationToken cancellationToken = default) =>
        Policy(app).AuthorizeAsync(Tool(app, "remember"), Call("remember", argumentsJson, "conv-7", "run-7"), cancellationToken).AsTask();

    [Fact]
    public async Task Approve_resumes_the_call_and_the_approval_is_listed_while_pending()
    {
        var (app, client) = await StartAskingAsync();
        await using var appScope = app;
        using var clientScope = client;
        var events = CapturedRunEvents.On(app);

        var decision = AskAsync(app, events, """{"fact":"owner likes green tea"}""");
        var (type, data) = await events.NextAsync();

        Assert.Equal("approval.required", type);
        var id = data["approvalId"]!.GetValue<string>();
        Assert.Equal("remember", data["tool"]!.GetValue<string>());
        Assert.Equal("owner likes green tea", data["arguments"]!["fact"]!.GetValue<string>());
        Assert.Equal(app.Time.GetUtcNow().AddSeconds(60).ToUnixTimeMilliseconds(), data["expiresAt"]!.GetValue<long>());
        var pending = await GetJsonAsync(client, "/api/approvals");
        var listed = Assert.Single(pending.EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal("conv-7", listed.GetProperty("conversationId").GetString());
        Assert.Equal("memory", listed.GetProperty("skillId").GetString());
        Assert.Equal("remember", listed.GetProperty("tool").GetString());
        Assert.Equal("owner likes green tea", listed.GetProperty("arguments").GetProperty("fact").GetString());

        using var response = await client.PostAsJsonAsync($"/api/approvals/{id}", new { approve = true });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(id, body.RootElement.GetProperty("id").GetString());
        Assert.True(body.RootElement.GetProperty("approved").GetBoolean());
        Assert.True((await decision.WaitAsync(TimeSpan.FromSeconds(10))).Allowed);
        Assert.Empty((await GetJsonAsync(client, "/api/approvals")).EnumerateArray());
    }

    [Fact]
    public async Task Deny_refuses_the_call_and_a_second_decision_is_409()
    {
        var (app, client) = await StartAskingAsync();
        await using var appScope = app;
        using var clientScope = client;
        var events = CapturedRunEvents.On(app);
        var decision = AskAsync(app, events, """{"fact":"x"}""");
        var id = (await events.NextAsync()).Data["approvalId"]!.GetValue<string>();

        using var deny = await client.PostAsJsonAsync($"/api/approvals/{id}", new { approve = false });
        using var again = await client.PostAsJsonAsync($"/api/approvals/{id}", new { approve = true });

        Assert.Equal(HttpStatusCode.OK, deny.StatusCode);
        using (var body = JsonDocument.Parse(await deny.Content.ReadAsStringAsync()))
        {
            Assert.False(body.RootElement.GetProperty("approved").GetBoolean());
        }
        var result = await decision.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(result.Allowed);
        Assert.Contains("denied", result.Reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var conflict = JsonDocument.Parse(await again.Content.ReadAsStringAsync());
        Assert.Equal("CONFLICT", conflict.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_unanswered_approval_expires_as_refused_and_is_then_404()
    {
        var (app, client) = await StartAskingAsync();
        await using var appScope = app;
        using var clientScope = client;
        var events = CapturedRunEvents.On(app);
        var decision = AskAsync(app, events, """{"fact":"x"}""");
        var id = (await events.NextAsync()).Data["approvalId"]!.GetValue<string>();

        app.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(decision.IsCompleted);
        app.Time.Advance(TimeSpan.FromSeconds(1));

        var result = await decision.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(result.Allowed);
        Assert.Equal("approval expired", result.Reason);
        Assert.Empty((await GetJsonAsync(client, "/api/approvals")).EnumerateArray());
        using var late = await client.PostAsJsonAsync($"/api/approvals/{id}", new { approve = true });
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
    }

    [Fact]
    public async Task Cancelling_the_run_removes_the_approval()
    {
        var (app, client) = await StartAskingAsync();
        await using var appScope = app;
        using var clientScope = client;
        using var run = new CancellationTokenSource();
        var events = CapturedRunEvents.On(app);
        var decision = AskAsync(app, events, """{"fact":"x"}""", run.Token);
        var id = (await events.NextAsync()).Data["approvalId"]!.GetValue<string>();

        await run.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => decision.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty((await GetJsonAsync(client, "/api/approvals")).EnumerateArray());
        using var late = await client.PostAsJsonAsync($"/api/approvals/{id}", new { approve = true });
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
    }

    [Fact]
    public async Task Bad_bodies_are_400_and_unknown_ids_404()
    {
        var (app, client) = await StartAskingAsync();
        await using var appScope = app;
        using var clientScope = client;
        var events = CapturedRunEvents.On(app);
        _ = AskAsync(app, events, """{"fact":"x"}""");
        var id = (await events.NextAsync()).Data["approvalId"]!.GetValue<string>();

        foreach (var bad in new[] { """{"approve":"yes"}""", "{}", "[]", """{"approve":null}""", "{not json" })
        {
            using var content = new StringContent(bad, System.Text.Encoding.UTF8, "application/json");
            using var response = await client.PostAsync($"/api/approvals/{id}", content);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("VALIDATION_ERROR", body.RootElement.GetProperty("code").GetString());
        }
        using var unknown = await client.PostAsJsonAsync("/api/approvals/apr_nope", new { approve = true });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Single((await GetJsonAsync(client, "/api/approvals")).EnumerateArray()); // still pending after the bad answers
    }

    [Fact]
    public async Task The_owner_sees_secret_looking_arguments_unredacted_since_that_is_what_will_run()
    {
        var (app, client) = await StartAskingAsync();
        await using var appScope = app;
        using var clientScope = client;
        await PutSettingsAsync(client, new Dictionary<string, object> { ["openaiApiKey"] = "sk-test-abcdefghijklmnop123" });
        var events = CapturedRunEvents.On(app);

        _ = AskAsync(app, events, """{"fact":"key is sk-test-abcdefghijklmnop123","apiKey":"whatever","note":"Bearer abcdefghijklmnop"}""");
        var (_, data) = await events.NextAsync();

        var listed = Assert.Single((await GetJsonAsync(client, "/api/approvals")).EnumerateArray());
        foreach (var shown in new[] { data["arguments"]!.ToJsonString(), listed.GetProperty("arguments").GetRawText(), listed.GetProperty("display").GetString()! })
        {
            Assert.Contains("sk-test-abcdefghijklmnop123", shown, StringComparison.Ordinal);
            Assert.Contains("whatever", shown, StringComparison.Ordinal);
            Assert.Contains("Bearer abcdefghijklmnop", shown, StringComparison.Ordinal);
            Assert.DoesNotContain("[redacted]", shown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Another_surface_hears_of_the_approval_and_can_answer_it()
    {
        var (app, client) = await StartAskingAsync();
        await using var appScope = app;
        using var clientScope = client;
        var broker = app.Services.GetRequiredService<ApprovalBroker>();
        var asked = new TaskCompletionSource<Approval>(TaskCreationOptions.RunContinuationsAsynchronously);
        var settled = new TaskCompletionSource<ApprovalStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        broker.Requested += approval => asked.TrySetResult(approval);
        broker.Settled += approval => settled.TrySetResult(approval.Status);

        var decision = AskAsync(app, CapturedRunEvents.On(app), """{"fact":"x"}""");
        var approval = await asked.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("remember", approval.Request.Tool);
        Assert.Equal("conv-7", approval.Request.ConversationId);
        Assert.Equal(ApprovalDecision.Decided, broker.Decide(approval.Id, approve: true));
        Assert.True((await decision.WaitAsync(TimeSpan.FromSeconds(10))).Allowed);
        Assert.Equal(ApprovalStatus.Approved, await settled.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        using var late = await client.PostAsJsonAsync($"/api/approvals/{approval.Id}", new { approve = false });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }
}
