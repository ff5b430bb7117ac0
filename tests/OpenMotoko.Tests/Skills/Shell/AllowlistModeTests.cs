using OpenMotoko.Skills.Shell;
using OpenMotoko.Tests.Skills.Files;
using static OpenMotoko.Tests.Skills.Files.ToolKit;
using static OpenMotoko.Tests.Skills.Shell.ShellKit;

namespace OpenMotoko.Tests.Skills.Shell;

/// <summary>Allowlist mode: argv parsed strictly and run without a shell; every injection is refused and nothing runs.</summary>
public sealed class AllowlistModeTests : IDisposable
{
    private static readonly ShellPolicy Allow = new(["echo", "touch", "printf", "sh"], Network: true, Unsandboxed: true);
    private readonly ToolKit _kit = new();

    [Theory]
    [InlineData("echo $(touch MARKER)", "'$'")]
    [InlineData("echo `touch MARKER`", "backtick")]
    [InlineData("echo \"`touch MARKER`\"", "backtick")]
    [InlineData("echo hi; touch MARKER", "';'")]
    [InlineData("echo hi && touch MARKER", "'&'")]
    [InlineData("echo hi & touch MARKER", "'&'")]
    [InlineData("echo hi | touch MARKER", "'|'")]
    [InlineData("echo hi || touch MARKER", "'|'")]
    [InlineData("echo hi\ntouch MARKER", "newline")]
    [InlineData("echo hi\rtouch MARKER", "newline")]
    [InlineData("echo \"hi\ntouch MARKER\"", "newline")]
    [InlineData("touch $HOME/MARKER", "'$'")]
    [InlineData("touch \"${HOME}/MARKER\"", "'$'")]
    [InlineData("echo hi > MARKER", "redirection")]
    [InlineData("echo hi >> MARKER", "redirection")]
    [InlineData("touch MARKER < /etc/passwd", "redirection")]
    [InlineData("(touch MARKER)", "subshell")]
    [InlineData("touch MARK*", "glob")]
    [InlineData("touch ~/MARKER", "'~'")]
    [InlineData("touch {MARKER,x}", "brace")]
    [InlineData("echo 'unterminated", "not closed")]
    [InlineData("sh -c 'touch MARKER' # comment", "comment")]
    public async Task Injections_are_refused_and_nothing_is_executed(string command, string reason)
    {
        var marker = _kit.InWorkspace("MARKER");
        var outcome = await CallAsync(Tool(_kit.Paths, Allow), Json(("command", command)));
        Assert.True(outcome.IsError, outcome.Output);
        Assert.Contains(reason, outcome.Output);
        Assert.False(File.Exists(marker));
        Assert.Empty(Directory.GetFileSystemEntries(_kit.Workspace));
    }

    [Theory]
    [InlineData("rm -rf .", "'rm' is not in skills.shell.allow")]
    [InlineData("/usr/bin/touch MARKER", "by name, not by path")]
    [InlineData("./touch MARKER", "by name, not by path")]
    [InlineData("   ", "non-empty")]
    public async Task Programs_outside_the_list_or_given_by_path_are_refused(string command, string reason)
    {
        var outcome = await CallAsync(Tool(_kit.Paths, Allow), Json(("command", command)));
        Assert.True(outcome.IsError);
        Assert.Contains(reason, outcome.Output);
        Assert.False(File.Exists(_kit.InWorkspace("MARKER")));
    }

    [Theory]
    [InlineData("find . -exec touch MARKER +", "-exec")]
    [InlineData("find . -execdir touch MARKER +", "-execdir")]
    [InlineData("env sh -c 'touch MARKER'", "'env'")]
    [InlineData("env touch MARKER", "'env'")]
    [InlineData("git -c 'alias.x=!touch MARKER' x", "-c")]
    [InlineData("git --config-env=alias.x=EVIL x", "--config-env")]
    public async Task Listed_programs_that_would_start_another_program_are_refused(string command, string reason)
    {
        var allow = new ShellPolicy(["find", "env", "git", "touch"], Network: true, Unsandboxed: true);
        var outcome = await CallAsync(Tool(_kit.Paths, allow), Json(("command", command)));
        Assert.True(outcome.IsError, outcome.Output);
        Assert.Contains(reason, outcome.Output);
        Assert.False(File.Exists(_kit.InWorkspace("MARKER")));
    }

    [Fact]
    public async Task An_allowed_program_runs_without_a_shell_with_quoted_arguments_intact()
    {
        var result = Result(await CallAsync(Tool(_kit.Paths, Allow),
            Json(("command", "printf '[%s]' \"a b\" 'c  d' e\\ f 'x;y|z' \"<in>\" '' 'it''s'"))));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("[a b][c  d][e f][x;y|z][<in>][][its]", result.Stdout);
    }

    [Fact]
    public async Task An_allowed_program_creates_files_in_the_workspace()
    {
        var result = Result(await CallAsync(Tool(_kit.Paths, Allow), Json(("command", "touch 'created file'"))));
        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(_kit.InWorkspace("created file")));
    }

    [Fact]
    public void The_parser_splits_words_like_a_shell_would_without_expanding_anything()
    {
        Assert.Equal(["git", "commit", "-m", "fix: a \"quoted\" thing"],
            AllowlistCommand.Parse("git  commit\t-m \"fix: a \\\"quoted\\\" thing\"", out _) is { } words ? words : []);
        Assert.Null(AllowlistCommand.Parse("", out var empty));
        Assert.Contains("empty", empty);
        Assert.Null(AllowlistCommand.Parse("echo \\", out var lone));
        Assert.Contains("backslash", lone);
    }

    public void Dispose() => _kit.Dispose();
}
