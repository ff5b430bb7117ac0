using OpenMotoko.Agent;
using OpenMotoko.Skills.Files;
using static OpenMotoko.Tests.Skills.Files.ToolKit;

namespace OpenMotoko.Tests.Skills.Files;

/// <summary>
/// What the tools say when they refuse: nothing about the host outside the workspace (not even
/// whether a path there exists), and paths inside the workspace relative to it.
/// </summary>
public sealed class FileToolErrorTests : IDisposable
{
    private readonly ToolKit _kit = new();

    [Fact]
    public async Task An_outside_path_that_exists_and_one_that_does_not_get_the_same_answer_without_host_paths()
    {
        var outside = Directory.CreateDirectory(Path.Combine(_kit.Root, "outside")).FullName;
        File.WriteAllText(Path.Combine(outside, "exists.txt"), "outside secret");
        File.CreateSymbolicLink(_kit.InWorkspace("link-a"), Path.Combine(outside, "exists.txt"));
        File.CreateSymbolicLink(_kit.InWorkspace("link-b"), Path.Combine(outside, "missing.txt"));
        Directory.CreateSymbolicLink(_kit.InWorkspace("out"), outside);
        var pairs = new (string Exists, string Missing)[]
        {
            ("link-a", "link-b"),
            ("out/exists.txt", "out/missing.txt"),
            ("../../outside/exists.txt", "../../outside/missing.txt"),
            (Path.Combine(outside, "exists.txt"), Path.Combine(outside, "missing.txt")),
        };
        var tools = new (IAgentTool Tool, Func<string, string> Arguments)[]
        {
            (new ReadFileTool(_kit.Paths), p => Json(("path", p))),
            (new WriteFileTool(_kit.Paths), p => Json(("path", p), ("content", "x"))),
            (new EditFileTool(_kit.Paths), p => Json(("path", p), ("oldText", "secret"), ("newText", "x"))),
            (new ListDirectoryTool(_kit.Paths), p => Json(("path", p))),
            (new SearchFilesTool(_kit.Paths), p => Json(("pattern", "secret"), ("path", p))),
        };
        foreach (var (tool, arguments) in tools)
        {
            foreach (var (exists, missing) in pairs)
            {
                var a = await CallAsync(tool, arguments(exists));
                var b = await CallAsync(tool, arguments(missing));
                var name = $"{tool.Definition.Name} {exists}";
                Assert.True(a.IsError, name);
                Assert.True(b.IsError, name);
                Assert.Equal(a.Output.Replace(exists, "PATH", StringComparison.Ordinal), b.Output.Replace(missing, "PATH", StringComparison.Ordinal));
                Assert.DoesNotContain(_kit.Root, a.Output.Replace(exists, "PATH", StringComparison.Ordinal), StringComparison.Ordinal);
                Assert.DoesNotContain("secret", a.Output, StringComparison.Ordinal);
            }
        }
        Assert.Equal("outside secret", File.ReadAllText(Path.Combine(outside, "exists.txt")));
        Assert.False(File.Exists(Path.Combine(outside, "missing.txt")));
    }

    [Fact]
    public async Task Failures_inside_the_workspace_name_the_path_relative_to_it()
    {
        File.WriteAllText(_kit.InWorkspace("file.txt"), "plain");
        Directory.CreateDirectory(_kit.InWorkspace("folder"));
        var outcomes = new[]
        {
            await CallAsync(new WriteFileTool(_kit.Paths), Json(("path", "file.txt/child.txt"), ("content", "x"))),
            await CallAsync(new WriteFileTool(_kit.Paths), Json(("path", "folder"), ("content", "x"))),
            await CallAsync(new ReadFileTool(_kit.Paths), Json(("path", "folder"))),
            await CallAsync(new ReadFileTool(_kit.Paths), Json(("path", "file.txt/child.txt"))),
            await CallAsync(new EditFileTool(_kit.Paths), Json(("path", "nope/none.txt"), ("oldText", "a"), ("newText", "b"))),
            await CallAsync(new ListDirectoryTool(_kit.Paths), Json(("path", "nope"))),
        };
        foreach (var outcome in outcomes)
        {
            Assert.True(outcome.IsError, outcome.Output);
            Assert.DoesNotContain(_kit.Root, outcome.Output, StringComparison.Ordinal);
        }
        Assert.Contains("file.txt", outcomes[0].Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workspace_setting_with_a_control_character_is_a_tool_error_not_a_crash()
    {
        // A value stored before the setting was validated must not make every tool throw.
        var broken = new WorkspacePaths(Path.Combine(_kit.Root, "ws\0x"), _kit.DataDir, _kit.DatabasePath);

        var outcome = await CallAsync(new ReadFileTool(broken), Json(("path", "a.txt")));

        Assert.True(outcome.IsError);
        Assert.Contains("agent.workspace", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(_kit.Root, outcome.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _kit.Dispose();
}
