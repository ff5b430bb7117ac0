using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Agent;
using OpenMotoko.Tests.Skills.Shell;
using static OpenMotoko.Tests.Skills.Files.ToolKit;

namespace OpenMotoko.Tests.Skills.Files;

/// <summary>The tools as the daemon registers them: resolved from a started daemon, working in its workspace.</summary>
public sealed class SkillRegistrationTests
{
    [Fact]
    public async Task The_daemon_offers_the_filesystem_and_shell_tools()
    {
        await using var app = await TestApp.StartAsync();
        var tools = app.Services.GetServices<IAgentTool>().ToDictionary(tool => tool.Definition.Name);
        foreach (var (name, skill, changes) in new[]
                 {
                     ("read_file", "filesystem", false), ("write_file", "filesystem", true), ("edit_file", "filesystem", true),
                     ("list_directory", "filesystem", false), ("search_files", "filesystem", false), ("execute_command", "shell", true),
                 })
        {
            Assert.Equal(skill, tools[name].SkillId);
            Assert.Equal(changes, tools[name].ChangesState);
            Assert.Equal("object", tools[name].Definition.InputSchema.GetProperty("type").GetString());
        }
    }

    [BwrapFact] // the shell part runs a command
    public async Task Tools_work_in_the_default_workspace_and_cannot_reach_the_data_dir()
    {
        await using var app = await TestApp.StartAsync();
        var tools = app.Services.GetServices<IAgentTool>().ToDictionary(tool => tool.Definition.Name);
        var workspace = Path.Combine(app.DataDir, "workspace");

        var written = await CallAsync(tools["write_file"], Json(("path", "notes/today.md"), ("content", "buy milk\n")));
        Assert.False(written.IsError, written.Output);
        Assert.Equal("buy milk\n", File.ReadAllText(Path.Combine(workspace, "notes", "today.md")));
        Assert.True((await CallAsync(tools["read_file"], Json(("path", "../openmotoko.db")))).IsError);
        Assert.True((await CallAsync(tools["read_file"], Json(("path", app.DatabasePath)))).IsError);

        var secret = $"sekrit-{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable("OPENMOTOKO_REGTEST_SECRET_KEY", secret);
        try
        {
            var result = ShellKit.Result(await CallAsync(tools["execute_command"], Json(("command", "pwd; cat notes/today.md; env"))));
            Assert.StartsWith($"{workspace}\nbuy milk\n", result.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.Stdout);
            Assert.DoesNotContain(TestApp.Password, result.Stdout);
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENMOTOKO_REGTEST_SECRET_KEY", null);
        }
    }

    [Fact]
    public async Task A_workspace_configured_around_the_data_dir_still_refuses_the_daemons_files()
    {
        var around = Directory.CreateTempSubdirectory("openmotoko-around-").FullName;
        var dataDir = Path.Combine(around, "data");
        try
        {
            await using var app = await TestApp.StartAsync(new Dictionary<string, string>
            {
                ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
                ["OPENMOTOKO_WORKSPACE"] = around,
            }, Directory.CreateDirectory(dataDir).FullName);
            var tools = app.Services.GetServices<IAgentTool>().ToDictionary(tool => tool.Definition.Name);
            var read = await CallAsync(tools["read_file"], Json(("path", "data/openmotoko.db")));
            Assert.True(read.IsError);
            Assert.Contains("data directory", read.Output);
            var write = await CallAsync(tools["write_file"], Json(("path", "data/evil.txt"), ("content", "x")));
            Assert.True(write.IsError);
            Assert.False(File.Exists(Path.Combine(dataDir, "evil.txt")));
            Assert.False((await CallAsync(tools["write_file"], Json(("path", "mine.txt"), ("content", "ok")))).IsError);
            Assert.True(File.Exists(Path.Combine(around, "mine.txt")));
        }
        finally
        {
            Directory.Delete(around, recursive: true);
        }
    }

    [BwrapFact] // runs an allowed command
    public async Task The_allowlist_setting_switches_the_shell_to_allowlist_mode()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        using var response = await client.PutAsync("/api/settings",
            new StringContent("""{"skills.shell.allow":["echo"]}""", System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        var tool = app.Services.GetServices<IAgentTool>().Single(t => t.Definition.Name == "execute_command");
        var refused = await CallAsync(tool, Json(("command", "echo hi > marker.txt")));
        Assert.True(refused.IsError);
        Assert.Contains("redirection", refused.Output);
        Assert.False(File.Exists(Path.Combine(app.DataDir, "workspace", "marker.txt")));
        Assert.Equal("a b\n", ShellKit.Result(await CallAsync(tool, Json(("command", "echo 'a b'")))).Stdout);
    }
}
