using System.Net;
using System.Text.Json;
using static OpenMotoko.Tests.Skills.SkillTestKit;

namespace OpenMotoko.Tests.Skills;

public sealed class SkillsApiTests
{
    [Fact]
    public async Task Lists_builtin_skills_with_tools_capabilities_risk_and_mode()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        var skills = await GetJsonAsync(client, "/api/skills");

        var ids = skills.EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Equal(["core", "shell", "filesystem", "web", "memory", "instructions"], ids.Take(6));
        var memory = await SkillAsync(client, "memory");
        Assert.Equal("builtin", memory.GetProperty("source").GetString());
        Assert.True(memory.GetProperty("enabled").GetBoolean());
        Assert.Equal("auto", memory.GetProperty("mode").GetString());
        Assert.Equal("low", memory.GetProperty("risk").GetString());
        Assert.False(string.IsNullOrEmpty(memory.GetProperty("version").GetString()));
        Assert.False(string.IsNullOrEmpty(memory.GetProperty("name").GetString()));
        Assert.False(string.IsNullOrEmpty(memory.GetProperty("description").GetString()));
        Assert.Equal(["remember", "recall", "forget"], memory.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.All(memory.GetProperty("tools").EnumerateArray(), t => Assert.False(string.IsNullOrEmpty(t.GetProperty("description").GetString())));
        Assert.False(memory.TryGetProperty("error", out _));
        var shell = await SkillAsync(client, "shell");
        Assert.Equal("ask", shell.GetProperty("mode").GetString());
        Assert.Equal("high", shell.GetProperty("risk").GetString());
        Assert.Equal(["process.exec"], shell.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["fs.read", "fs.write"], (await SkillAsync(client, "filesystem")).GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["load_skill"], (await SkillAsync(client, "instructions")).GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task The_shell_is_a_critical_risk_once_it_may_run_without_a_sandbox()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        await PutSettingsAsync(client, new Dictionary<string, object> { ["skills.shell.unsandboxed"] = true });

        Assert.Equal("critical", (await SkillAsync(client, "shell")).GetProperty("risk").GetString());
        Assert.Equal("medium", (await SkillAsync(client, "filesystem")).GetProperty("risk").GetString());
        await PutSettingsAsync(client, new Dictionary<string, object> { ["skills.shell.unsandboxed"] = false });
        Assert.Equal("high", (await SkillAsync(client, "shell")).GetProperty("risk").GetString());
    }

    [Fact]
    public async Task Skills_need_a_session()
    {
        await using var app = await TestApp.StartAsync();

        using var list = await app.Client.GetAsync("/api/skills");
        using var toggle = await app.Client.PostAsync("/api/skills/memory/toggle", null);

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, toggle.StatusCode);
    }

    [Fact]
    public async Task Toggle_flips_the_state_and_it_survives_a_restart()
    {
        await using var app = await TestApp.StartAsync();
        var client = await app.LoginClientAsync();

        using var off = await client.PostAsync("/api/skills/memory/toggle", null);
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        using (var body = JsonDocument.Parse(await off.Content.ReadAsStringAsync()))
        {
            Assert.Equal("memory", body.RootElement.GetProperty("id").GetString());
            Assert.False(body.RootElement.GetProperty("enabled").GetBoolean());
        }
        client.Dispose();

        await app.RestartAsync();
        using var again = await app.LoginClientAsync();
        Assert.False((await SkillAsync(again, "memory")).GetProperty("enabled").GetBoolean());
        Assert.False(Policy(app).IsOffered(Tool(app, "remember")));

        using var on = await again.PostAsync("/api/skills/memory/toggle", null);
        using (var body = JsonDocument.Parse(await on.Content.ReadAsStringAsync()))
        {
            Assert.True(body.RootElement.GetProperty("enabled").GetBoolean());
        }
        Assert.True((await SkillAsync(again, "memory")).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Toggle_of_an_unknown_skill_is_404_with_the_envelope()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsync("/api/skills/no-such-skill/toggle", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("NOT_FOUND", body.RootElement.GetProperty("code").GetString());
        Assert.Contains("no-such-skill", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
