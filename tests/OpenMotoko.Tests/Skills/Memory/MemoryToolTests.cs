using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Agent;
using OpenMotoko.Skills.Memory;
using static OpenMotoko.Tests.Skills.SkillTestKit;

namespace OpenMotoko.Tests.Skills.Memory;

public sealed class MemoryToolTests
{
    private static async Task<string> RememberAsync(TestApp app, string fact)
    {
        var outcome = await InvokeAsync(app, "remember", JsonSerializer.Serialize(new Dictionary<string, string> { ["fact"] = fact }));
        Assert.False(outcome.IsError, outcome.Output);
        using var body = JsonDocument.Parse(outcome.Output);
        Assert.Equal(fact, body.RootElement.GetProperty("fact").GetString());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<List<string>> RecallAsync(TestApp app, string query)
    {
        var outcome = await InvokeAsync(app, "recall", JsonSerializer.Serialize(new Dictionary<string, string> { ["query"] = query }));
        Assert.False(outcome.IsError, outcome.Output);
        using var body = JsonDocument.Parse(outcome.Output);
        return [.. body.RootElement.GetProperty("facts").EnumerateArray().Select(f => f.GetProperty("fact").GetString()!)];
    }

    [Fact]
    public async Task Remember_recall_and_forget_round_trip_and_survive_a_restart()
    {
        await using var app = await TestApp.StartAsync();
        var tea = await RememberAsync(app, "The owner drinks green tea every morning");
        await RememberAsync(app, "The owner's cat is called Mochi");
        Assert.Equal(tea, await RememberAsync(app, "The owner drinks green tea every morning")); // no duplicate

        await app.RestartAsync();

        Assert.Equal(["The owner drinks green tea every morning"], await RecallAsync(app, "what tea?"));
        Assert.Equal(["The owner's cat is called Mochi"], await RecallAsync(app, "moch?"));  // a prefix finds the longer word
        var forgot = await InvokeAsync(app, "forget", $$"""{"id":"{{tea}}"}""");
        Assert.False(forgot.IsError, forgot.Output);
        Assert.Empty(await RecallAsync(app, "tea"));
        var again = await InvokeAsync(app, "forget", $$"""{"id":{{tea}}}""");
        Assert.True(again.IsError);
    }

    [Theory]
    [InlineData("\"unbalanced quote")]
    [InlineData("tea AND")]
    [InlineData("OR tea OR")]
    [InlineData("NEAR(tea coffee)")]
    [InlineData("tea*")]
    [InlineData("*")]
    [InlineData("(tea")]
    [InlineData("fact: tea")]
    [InlineData("^tea -coffee + \"\"")]
    [InlineData("NOT tea")]
    [InlineData("AND OR NEAR")]
    [InlineData("tea\" OR \"x")]
    [InlineData("'; DROP TABLE memory_facts; --")]
    public async Task Recall_never_breaks_on_fts_syntax_in_the_query(string query)
    {
        await using var app = await TestApp.StartAsync();
        await RememberAsync(app, "The owner prefers tea over coffee");
        await RememberAsync(app, "Said \"AND\" OR (NEAR) * is tricky");

        var facts = await RecallAsync(app, query);

        Assert.Equal(query.Contains("tea", StringComparison.Ordinal), facts.Contains("The owner prefers tea over coffee"));
        Assert.Equal(2, (await app.Services.GetRequiredService<MemoryStore>().RecentAsync(10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Recall_ranks_better_matches_first_and_is_bounded()
    {
        await using var app = await TestApp.StartAsync();
        for (var i = 0; i < 30; i++)
        {
            await RememberAsync(app, $"Note {i} about the garden");
        }
        await RememberAsync(app, "Garden roses garden tulips garden");

        var facts = await RecallAsync(app, "garden roses");

        Assert.Equal(10, facts.Count);
        Assert.Equal("Garden roses garden tulips garden", facts[0]);
    }

    [Fact]
    public async Task Bad_arguments_are_tool_errors()
    {
        await using var app = await TestApp.StartAsync();

        Assert.True((await InvokeAsync(app, "remember", "{}")).IsError);
        Assert.True((await InvokeAsync(app, "remember", """{"fact":"   "}""")).IsError);
        Assert.True((await InvokeAsync(app, "remember", JsonSerializer.Serialize(new { fact = new string('x', 2001) }))).IsError);
        Assert.True((await InvokeAsync(app, "recall", """{"query":5}""")).IsError);
        Assert.True((await InvokeAsync(app, "forget", """{"id":"abc"}""")).IsError);
        Assert.True((await InvokeAsync(app, "forget", """{"id":-1}""")).IsError);
        Assert.True(Tool(app, "remember").ChangesState);
        Assert.False(Tool(app, "recall").ChangesState);
    }

    [Fact]
    public async Task The_prompt_gets_the_relevant_memories_bounded_and_falls_back_to_recent_ones()
    {
        await using var app = await TestApp.StartAsync();
        var contributor = app.Services.GetServices<ISystemPromptContributor>().OfType<MemoryPromptContributor>().Single();
        Assert.Null(await contributor.ContributeAsync("c", "hello", CancellationToken.None));

        await RememberAsync(app, "The owner lives in Zürich");
        for (var i = 0; i < 40; i++)
        {
            await RememberAsync(app, $"Unrelated fact number {i}: " + new string('z', 150));
        }
        app.Time.Advance(TimeSpan.FromSeconds(1));
        await RememberAsync(app, "The newest note is about bicycles");

        var relevant = await contributor.ContributeAsync("c", "What's the weather in zurich?", CancellationToken.None);
        Assert.NotNull(relevant);
        Assert.Contains("The owner lives in Zürich", relevant, StringComparison.Ordinal);
        Assert.DoesNotContain("bicycles", relevant, StringComparison.Ordinal);

        var fallback = await contributor.ContributeAsync("c", "\"(*)\"", CancellationToken.None);
        Assert.NotNull(fallback);
        Assert.Contains("bicycles", fallback, StringComparison.Ordinal);
        var lines = fallback.Split('\n').Where(l => l.StartsWith("- [", StringComparison.Ordinal)).ToList();
        Assert.InRange(lines.Count, 1, MemoryPromptContributor.MaxFacts);
        Assert.True(lines.Sum(l => l.Length + 1) <= MemoryPromptContributor.MaxChars);

        var many = await contributor.ContributeAsync("c", "unrelated fact number", CancellationToken.None);
        Assert.True(many!.Split('\n').Count(l => l.StartsWith("- [", StringComparison.Ordinal)) <= MemoryPromptContributor.MaxFacts);
    }

    [Fact]
    public async Task No_memories_reach_the_prompt_when_the_skill_is_off()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        await RememberAsync(app, "The owner lives in Zürich");
        var contributor = app.Services.GetServices<ISystemPromptContributor>().OfType<MemoryPromptContributor>().Single();
        Assert.NotNull(await contributor.ContributeAsync("c", "zurich", CancellationToken.None));

        await PutSettingsAsync(client, new Dictionary<string, string> { ["skills.memory.mode"] = "off" });

        Assert.Null(await contributor.ContributeAsync("c", "zurich", CancellationToken.None));
    }
}
