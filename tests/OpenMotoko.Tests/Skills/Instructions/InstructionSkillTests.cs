using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Agent;
using OpenMotoko.Skills.Instructions;
using static OpenMotoko.Tests.Skills.SkillTestKit;

namespace OpenMotoko.Tests.Skills.Instructions;

public sealed class InstructionSkillTests
{
    private const string Haiku = """
        ---
        name: haiku-writer
        description: "Writes haiku in the 5-7-5 form"
        version: 1.2.0
        ---
        # Haiku
        Count syllables carefully: 5, 7, then 5.
        """;

    private static ISystemPromptContributor Contributor(TestApp app) =>
        app.Services.GetServices<ISystemPromptContributor>().OfType<InstructionPromptContributor>().Single();

    [Fact]
    public async Task An_installed_folder_is_listed_disabled_until_toggled()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        InstallInstructionSkill(app, "haiku", Haiku);

        var skill = await SkillAsync(client, "haiku");

        Assert.Equal("haiku-writer", skill.GetProperty("name").GetString());
        Assert.Equal("Writes haiku in the 5-7-5 form", skill.GetProperty("description").GetString());
        Assert.Equal("1.2.0", skill.GetProperty("version").GetString());
        Assert.Equal("registry", skill.GetProperty("source").GetString());
        Assert.False(skill.GetProperty("enabled").GetBoolean());
        Assert.Empty(skill.GetProperty("tools").EnumerateArray());
        Assert.Null(await Contributor(app).ContributeAsync("c", "write a haiku", CancellationToken.None));

        using var toggle = await client.PostAsync("/api/skills/haiku/toggle", null);
        Assert.True((await SkillAsync(client, "haiku")).GetProperty("enabled").GetBoolean());

        var prompt = await Contributor(app).ContributeAsync("c", "write a haiku", CancellationToken.None);
        Assert.NotNull(prompt);
        Assert.Contains("- haiku-writer: Writes haiku in the 5-7-5 form", prompt, StringComparison.Ordinal);
        Assert.Contains("load_skill", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("Count syllables", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edited_or_removed_skill_is_seen_on_the_next_listing()
    {
        await using var app = await TestApp.StartAsync();
        var library = app.Services.GetRequiredService<InstructionSkillLibrary>();
        InstallInstructionSkill(app, "haiku", Haiku);
        Assert.Equal("Writes haiku in the 5-7-5 form", Assert.Single(library.List()).Description);
        Assert.Same(library.List()[0], library.List()[0]); // unchanged: the parse is reused, not re-read

        var file = Path.Combine(library.Root, "haiku", "SKILL.md");
        var before = File.GetLastWriteTimeUtc(file);
        File.WriteAllText(file, Haiku.Replace("5-7-5 form", "5-7-5 FORM", StringComparison.Ordinal)); // same length
        File.SetLastWriteTimeUtc(file, before.AddSeconds(1));
        Assert.Equal("Writes haiku in the 5-7-5 FORM", Assert.Single(library.List()).Description);

        File.WriteAllText(file, "no front matter");
        Assert.False(Assert.Single(library.List()).IsValid);

        Directory.Delete(Path.Combine(library.Root, "haiku"), recursive: true);
        Assert.Empty(library.List());
    }

    [Fact]
    public async Task Load_skill_returns_the_instructions_only_of_an_enabled_skill()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        InstallInstructionSkill(app, "haiku", Haiku);

        var disabled = await InvokeAsync(app, "load_skill", """{"name":"haiku-writer"}""");
        Assert.True(disabled.IsError);
        Assert.Contains("disabled", disabled.Output, StringComparison.Ordinal);
        Assert.True((await InvokeAsync(app, "load_skill", """{"name":"nothing-here"}""")).IsError);
        Assert.True((await InvokeAsync(app, "load_skill", "{}")).IsError);

        using var toggle = await client.PostAsync("/api/skills/haiku/toggle", null);

        var byName = await InvokeAsync(app, "load_skill", """{"name":"Haiku-Writer"}""");
        Assert.False(byName.IsError, byName.Output);
        Assert.Contains("Count syllables carefully: 5, 7, then 5.", byName.Output, StringComparison.Ordinal);
        Assert.False((await InvokeAsync(app, "load_skill", """{"name":"haiku"}""")).IsError);
    }

    [Fact]
    public async Task Toggles_of_installed_skills_persist_across_restart()
    {
        await using var app = await TestApp.StartAsync();
        var client = await app.LoginClientAsync();
        InstallInstructionSkill(app, "haiku", Haiku);
        using (var toggle = await client.PostAsync("/api/skills/haiku/toggle", null))
        {
            toggle.EnsureSuccessStatusCode();
        }
        client.Dispose();

        await app.RestartAsync();

        using var again = await app.LoginClientAsync();
        Assert.True((await SkillAsync(again, "haiku")).GetProperty("enabled").GetBoolean());
        Assert.False((await InvokeAsync(app, "load_skill", """{"name":"haiku-writer"}""")).IsError);
    }

    [Fact]
    public async Task Malformed_skill_folders_are_listed_with_an_error_and_break_nothing()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        InstallInstructionSkill(app, "haiku", Haiku);
        InstallInstructionSkill(app, "no-front-matter", "# Just markdown\nno front matter here");
        InstallInstructionSkill(app, "no-name", "---\ndescription: x\n---\nbody");
        InstallInstructionSkill(app, "huge", "---\nname: huge\ndescription: big\n---\n" + new string('x', 300 * 1024));
        Directory.CreateDirectory(Path.Combine(app.DataDir, "skills", "empty-folder"));
        Directory.CreateDirectory(Path.Combine(app.DataDir, "skills", "memory")); // cannot shadow a built-in
        Directory.CreateSymbolicLink(Path.Combine(app.DataDir, "skills", "linked-folder"), Path.Combine(app.DataDir, "skills", "haiku"));
        Directory.CreateDirectory(Path.Combine(app.DataDir, "skills", "linked-file"));
        File.CreateSymbolicLink(Path.Combine(app.DataDir, "skills", "linked-file", "SKILL.md"), Path.Combine(app.DataDir, "skills", "haiku", "SKILL.md"));

        using var response = await client.GetAsync("/api/skills");
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var skills = document.RootElement.EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!, s => s.Clone());

        foreach (var broken in new[] { "no-front-matter", "no-name", "huge", "empty-folder", "linked-folder", "linked-file" })
        {
            Assert.False(string.IsNullOrEmpty(skills[broken].GetProperty("error").GetString()), broken);
            using var toggle = await client.PostAsync($"/api/skills/{broken}/toggle", null);
            toggle.EnsureSuccessStatusCode();
            var loaded = await InvokeAsync(app, "load_skill", $$"""{"name":"{{broken}}"}""");
            Assert.True(loaded.IsError, broken);
            Assert.Contains("cannot be loaded", loaded.Output, StringComparison.Ordinal);
        }
        Assert.Contains("larger than", skills["huge"].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("builtin", skills["memory"].GetProperty("source").GetString());
        Assert.Single(document.RootElement.EnumerateArray(), s => s.GetProperty("id").GetString() == "memory");
        Assert.False(skills["haiku"].TryGetProperty("error", out _));
        Assert.Null(await Contributor(app).ContributeAsync("c", "x", CancellationToken.None)); // broken ones are never offered
    }
}
