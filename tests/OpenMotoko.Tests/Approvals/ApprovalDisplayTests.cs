using System.Text.Json.Nodes;
using OpenMotoko.Agent;
using OpenMotoko.Tests.Skills;
using static OpenMotoko.Tests.Skills.SkillTestKit;

namespace OpenMotoko.Tests.Approvals;

/// <summary>An approval shows exactly what will run: nothing cut, nothing redacted, nothing invisible.</summary>
public sealed class ApprovalDisplayTests
{
    private static async Task<(TestApp App, HttpClient Client)> StartAskingAsync()
    {
        var app = await TestApp.StartAsync();
        var client = await app.LoginClientAsync();
        await PutSettingsAsync(client, new Dictionary<string, object> { ["skills.memory.mode"] = "ask", ["agent.approvalTimeoutSeconds"] = 60 });
        return (app, client);
    }

    private static Task<ToolDecision> AskAsync(TestApp app, CapturedRunEvents events, string argumentsJson) =>
        Policy(app).AuthorizeAsync(Tool(app, "remember"), Call("remember", argumentsJson, "conv-7", "run-7"), CancellationToken.None).AsTask();

    private static string Arguments(string fact) => new JsonObject { ["fact"] = fact }.ToJsonString();

    [Fact]
    public async Task A_payload_hidden_behind_a_run_of_spaces_is_shown_in_full_and_the_run_is_counted()
    {
        var (app, client) = await StartAskingAsync();
        await using var appScope = app;
        using var clientScope = client;
        var fact = "echo harmless" + new string(' ', 2100) + "; echo PWNED > pwned.txt";
        var events = CapturedRunEvents.On(app);

        _ = AskAsync(app, events, Arguments(fact));
        var (type, data) = await events.NextAsync();

        Assert.Equal("approval.required", type);
        Assert.Equal(fact, data["arguments"]!["fact"]!.GetValue<string>());
        var display = data["display"]!.GetValue<string>();
        Assert.Contains("\"echo harmless\u2420×2100; echo PWNED > pwned.txt\"", display, StringComparison.Ordinal);
        Assert.DoesNotContain("  ", display.Replace("\n  ", "\n", StringComparison.Ordinal), StringComparison.Ordinal); // no raw run survives
        var listed = Assert.Single((await GetJsonAsync(client, "/api/approvals")).EnumerateArray());
        Assert.Equal(fact, listed.GetProperty("arguments").GetProperty("fact").GetString());
        Assert.Equal(display, listed.GetProperty("display").GetString());
    }

    [Theory]
    [InlineData("safe\u202Eexe.txt", "safe\\u202eexe.txt")]
    [InlineData("rm\u200B -rf x", "rm\\u200b -rf x")]
    [InlineData("a\u00A0b\u3000c", "a\\u00a0b\\u3000c")]
    [InlineData("one\ntwo\r\tthree", "one\\ntwo\\r\\tthree")]
    [InlineData("bell\u0007 nul\u0000", "bell\\u0007 nul\\u0000")]
    [InlineData("tag\U000E0041s", "tag\\udb40\\udc41s")]
    [InlineData("fake \u2420×9 run", "fake \\u2420×9 run")]
    [InlineData("quote \" and \\ slash", "quote \\\" and \\\\ slash")]
    [InlineData("Grüße, 東京 🚀", "Grüße, 東京 🚀")]
    public async Task Invisible_and_control_characters_are_shown_as_escapes(string fact, string shown)
    {
        var (app, client) = await StartAskingAsync();
        await using var appScope = app;
        using var clientScope = client;
        var events = CapturedRunEvents.On(app);

        _ = AskAsync(app, events, Arguments(fact));
        var (_, data) = await events.NextAsync();

        Assert.Equal(fact, data["arguments"]!["fact"]!.GetValue<string>());
        Assert.Equal("{\n  \"fact\": \"" + shown + "\"\n}", data["display"]!.GetValue<string>());
    }

    [Fact]
    public async Task Arguments_too_large_to_show_are_refused_without_asking()
    {
        var (app, client) = await StartAskingAsync();
        await using var appScope = app;
        using var clientScope = client;
        var events = CapturedRunEvents.On(app);

        var decision = await AskAsync(app, events, Arguments(new string('x', 64 * 1024))).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(decision.Allowed);
        Assert.Contains("too large to show for approval", decision.Reason, StringComparison.Ordinal);
        Assert.False(events.TryRead(out _));
        Assert.Empty((await GetJsonAsync(client, "/api/approvals")).EnumerateArray());
    }

    [Fact]
    public async Task Arguments_just_under_the_limit_are_asked_about_in_full()
    {
        var (app, client) = await StartAskingAsync();
        await using var appScope = app;
        using var clientScope = client;
        var events = CapturedRunEvents.On(app);
        var fact = new string('x', 64 * 1024 - 20);

        _ = AskAsync(app, events, Arguments(fact));
        var (type, data) = await events.NextAsync();

        Assert.Equal("approval.required", type);
        Assert.Equal(fact, data["arguments"]!["fact"]!.GetValue<string>());
        Assert.Contains(fact, data["display"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arguments_holding_a_lone_surrogate_are_refused_without_asking()
    {
        var (app, client) = await StartAskingAsync();
        await using var appScope = app;
        using var clientScope = client;
        var events = CapturedRunEvents.On(app);

        var decision = await AskAsync(app, events, """{"fact":"x\ud800y"}""").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(decision.Allowed);
        Assert.Contains("cannot be shown", decision.Reason, StringComparison.Ordinal);
        Assert.False(events.TryRead(out _));
        using var response = await client.GetAsync("/api/approvals");
        Assert.Equal("[]", await response.Content.ReadAsStringAsync());
    }
}
