using OpenMotoko.Skills.Shell;
using OpenMotoko.Tests.Skills.Files;
using static OpenMotoko.Tests.Skills.Files.ToolKit;
using static OpenMotoko.Tests.Skills.Shell.ShellKit;

namespace OpenMotoko.Tests.Skills.Shell;

/// <summary>execute_command in normal mode (/bin/sh -c), without the sandbox, on real processes.</summary>
public sealed class ExecuteCommandTests : IDisposable
{
    private readonly ToolKit _kit = new();

    [Fact]
    public async Task Runs_in_the_workspace_and_reports_exit_code_and_both_outputs()
    {
        var tool = Tool(_kit.Paths);
        Assert.True(tool.ChangesState);
        Assert.Equal("shell", tool.SkillId);
        var result = Result(await CallAsync(tool, Json(("command", "pwd; echo oops >&2; echo made > made.txt; exit 3"))));
        Assert.Equal(3, result.ExitCode);
        Assert.Equal(_kit.Workspace + "\n", result.Stdout);
        Assert.Equal("oops\n", result.Stderr);
        Assert.False(result.TimedOut);
        Assert.Equal("made\n", File.ReadAllText(_kit.InWorkspace("made.txt")));
    }

    [Fact]
    public async Task Cwd_resolves_inside_the_workspace_only()
    {
        Directory.CreateDirectory(_kit.InWorkspace("sub"));
        Directory.CreateSymbolicLink(_kit.InWorkspace("etc"), "/etc");
        var tool = Tool(_kit.Paths);
        Assert.Equal(_kit.InWorkspace("sub") + "\n", Result(await CallAsync(tool, Json(("command", "pwd"), ("cwd", "sub")))).Stdout);
        foreach (var cwd in new[] { "..", "/tmp", "etc", "missing" })
        {
            var outcome = await CallAsync(tool, Json(("command", "touch escaped"), ("cwd", cwd)));
            Assert.True(outcome.IsError, cwd);
        }
        Assert.False(File.Exists(Path.Combine(_kit.DataDir, "escaped")));
    }

    [Fact]
    public async Task Bad_arguments_are_tool_errors()
    {
        var tool = Tool(_kit.Paths);
        Assert.Contains("'command' is required", (await CallAsync(tool, "{}")).Output);
        Assert.Contains("non-empty", (await CallAsync(tool, Json(("command", "  ")))).Output);
        Assert.Contains("between 1 and 600000", (await CallAsync(tool, Json(("command", "true"), ("timeoutMs", 600_001)))).Output);
        Assert.Contains("between 1 and 600000", (await CallAsync(tool, Json(("command", "true"), ("timeoutMs", 0)))).Output);
    }

    [Fact]
    public async Task Timeout_kills_the_whole_process_tree()
    {
        var command = "echo $$ > shell.pid; sleep 301 & echo $! > child.pid; sh -c 'sleep 302 & echo $! > grandchild.pid; wait' & echo $! > middle.pid; wait";
        var result = Result(await CallAsync(Tool(_kit.Paths), Json(("command", command), ("timeoutMs", 1000))));
        Assert.True(result.TimedOut);
        Assert.Equal(-1, result.ExitCode);
        foreach (var name in new[] { "shell.pid", "child.pid", "middle.pid", "grandchild.pid" })
        {
            var pid = ReadPid(_kit.InWorkspace(name));
            Assert.True(await IsDeadSoonAsync(pid), $"{name} ({pid}) survived the timeout");
        }
    }

    [Fact]
    public async Task Cancellation_kills_the_whole_process_tree()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(800));
        var command = "sleep 303 & echo $! > child.pid; sh -c 'sleep 304 & echo $! > grandchild.pid; wait'";
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CallAsync(Tool(_kit.Paths), Json(("command", command)), cancel.Token));
        Assert.True(await IsDeadSoonAsync(ReadPid(_kit.InWorkspace("child.pid"))));
        Assert.True(await IsDeadSoonAsync(ReadPid(_kit.InWorkspace("grandchild.pid"))));
    }

    [Fact]
    public async Task Background_jobs_do_not_outlive_the_command()
    {
        var result = Result(await CallAsync(Tool(_kit.Paths), Json(("command", "sleep 305 & echo $! > bg.pid; echo done"))));
        Assert.Equal("done\n", result.Stdout);
        Assert.True(await IsDeadSoonAsync(ReadPid(_kit.InWorkspace("bg.pid"))));
    }

    [Fact]
    public async Task Setsid_and_double_forks_do_not_outlive_the_command_or_its_timeout()
    {
        // setsid -f leaves the process group and the session; a double fork is reparented to init.
        var tag = Random.Shared.Next(100_000, 999_999);
        var returned = Result(await CallAsync(Tool(_kit.Paths), Json(("command", $"setsid -f sleep {tag}1; sh -c 'sleep {tag}2 &'; echo started"))));
        Assert.Equal("started\n", returned.Stdout);
        Assert.True(await NoneLeftAsync($"sleep {tag}"), string.Join(", ", LiveProcessesWith($"sleep {tag}")));
        var timedOut = Result(await CallAsync(Tool(_kit.Paths),
            Json(("command", $"setsid -f sleep {tag}3; sh -c 'sleep {tag}4 &'; sleep {tag}5"), ("timeoutMs", 1000))));
        Assert.True(timedOut.TimedOut);
        Assert.True(await NoneLeftAsync($"sleep {tag}"), string.Join(", ", LiveProcessesWith($"sleep {tag}")));
    }

    [Fact]
    public async Task Output_is_capped_per_stream_and_marked()
    {
        var result = Result(await CallAsync(Tool(_kit.Paths), Json(("command", "head -c 100000 /dev/zero | tr '\\0' a; head -c 70000 /dev/zero | tr '\\0' b >&2"))));
        Assert.Equal(new string('a', CappedOutput.MaxBytes) + "\n[output truncated: 100000 bytes, first 65536 shown]", result.Stdout);
        Assert.Equal(new string('b', CappedOutput.MaxBytes) + "\n[output truncated: 70000 bytes, first 65536 shown]", result.Stderr);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task The_environment_is_scrubbed_of_the_daemons_secrets()
    {
        var secret = $"sekrit-{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable("OPENMOTOKO_SHELLTEST_API_KEY", secret);
        Environment.SetEnvironmentVariable("OPENMOTOKO_SHELLTEST_TOKEN", secret);
        try
        {
            var result = Result(await CallAsync(Tool(_kit.Paths), Json(("command", "env"))));
            Assert.DoesNotContain(secret, result.Stdout);
            var names = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line[..line.IndexOf('=')]).ToHashSet();
            Assert.Subset(new HashSet<string> { "PATH", "HOME", "PWD", "TMPDIR", "LANG", "LC_ALL", "TERM", "SHELL", "USER", "LOGNAME", "OLDPWD", "SHLVL", "_", ProcessTree.MarkerVariable }, names);
            Assert.Contains($"HOME={_kit.Workspace}\n", result.Stdout);
            Assert.Contains("TERM=dumb\n", result.Stdout);
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENMOTOKO_SHELLTEST_API_KEY", null);
            Environment.SetEnvironmentVariable("OPENMOTOKO_SHELLTEST_TOKEN", null);
        }
    }

    [Fact]
    public async Task Stdin_is_closed_so_a_reading_command_does_not_hang()
    {
        var result = Result(await CallAsync(Tool(_kit.Paths), Json(("command", "cat; echo after"), ("timeoutMs", 10_000))));
        Assert.False(result.TimedOut);
        Assert.Equal("after\n", result.Stdout);
    }

    public void Dispose() => _kit.Dispose();
}
