using static OpenMotoko.Tests.Skills.SkillTestKit;

namespace OpenMotoko.Tests.Skills;

public sealed class SkillToolPolicyTests
{
    [Fact]
    public async Task A_disabled_skill_is_not_offered_and_its_calls_are_refused()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        var recall = Tool(app, "recall");
        Assert.True(Policy(app).IsOffered(recall));

        using var toggle = await client.PostAsync("/api/skills/memory/toggle", null);

        Assert.False(Policy(app).IsOffered(recall));
        var events = CapturedRunEvents.On(app);
        var decision = await Policy(app).AuthorizeAsync(recall, Call("recall", """{"query":"x"}"""), CancellationToken.None);
        Assert.False(decision.Allowed);
        Assert.Contains("disabled", decision.Reason, StringComparison.Ordinal);
        Assert.False(events.TryRead(out _));
        Assert.True(Policy(app).IsOffered(Tool(app, "load_skill"))); // other skills are untouched
    }

    [Fact]
    public async Task Mode_off_hides_and_refuses_every_tool_of_the_skill()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        await PutSettingsAsync(client, new Dictionary<string, string> { ["skills.memory.mode"] = "off" });

        Assert.False(Policy(app).IsOffered(Tool(app, "recall")));
        Assert.False(Policy(app).IsOffered(Tool(app, "remember")));
        var decision = await Policy(app).AuthorizeAsync(Tool(app, "recall"), Call("recall", """{"query":"x"}"""), CancellationToken.None);
        Assert.False(decision.Allowed);
        Assert.Contains("skills.memory.mode", decision.Reason, StringComparison.Ordinal);
        Assert.Equal("off", (await SkillAsync(client, "memory")).GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Mode_ask_asks_only_for_calls_that_change_state()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        await PutSettingsAsync(client, new Dictionary<string, string> { ["skills.memory.mode"] = "ask" });
        var events = CapturedRunEvents.On(app);

        var read = await Policy(app).AuthorizeAsync(Tool(app, "recall"), Call("recall", """{"query":"x"}"""), CancellationToken.None);
        Assert.True(read.Allowed);
        Assert.False(events.TryRead(out _));

        var write = Policy(app).AuthorizeAsync(Tool(app, "remember"), Call("remember", """{"fact":"likes tea"}"""), CancellationToken.None).AsTask();
        var (type, _) = await events.NextAsync();
        Assert.Equal("approval.required", type);
        Assert.False(write.IsCompleted);
    }

    [Fact]
    public async Task Mode_auto_runs_state_changing_calls_without_asking()
    {
        await using var app = await TestApp.StartAsync();
        var events = CapturedRunEvents.On(app);

        var decision = await Policy(app).AuthorizeAsync(Tool(app, "remember"), Call("remember", """{"fact":"likes tea"}"""), CancellationToken.None);

        Assert.True(decision.Allowed);
        Assert.False(events.TryRead(out _));
        Assert.Null(decision.Reason);
    }
}
