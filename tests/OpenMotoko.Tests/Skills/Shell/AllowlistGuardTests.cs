using OpenMotoko.Skills.Shell;
using OpenMotoko.Tests.Skills.Files;
using static OpenMotoko.Tests.Skills.Files.ToolKit;
using static OpenMotoko.Tests.Skills.Shell.ShellKit;

namespace OpenMotoko.Tests.Skills.Shell;

/// <summary>Allowlist mode refuses listed programs and options that would start another program, and switches off the rest.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AllowlistGuardTests : IDisposable
{
    private readonly ToolKit _kit = new();

    [Theory]
    [InlineData("interpreter", "python3.11", "-c", "import os")]
    [InlineData("a shell", "bash", "-c", "id")]
    [InlineData("wrapper", "sudo", "id")]
    [InlineData("wrapper", "xargs", "rm")]
    [InlineData("wrapper", "timeout", "5", "sh")]
    [InlineData("pager", "less", "+!id", "file")]
    [InlineData("build", "make", "all")]
    [InlineData("runs commands", "ssh", "host", "id")]
    [InlineData("runs commands", "sqlite3", "db", ".shell id")]
    [InlineData("'-ok'", "find", ".", "-ok", "rm", "{}", ";")]
    [InlineData("'-I'", "tar", "-xIsh", "-f", "a.tar")]
    [InlineData("'-I'", "tar", "xIf", "sh", "a.tar")]
    [InlineData("'--to-command'", "tar", "--to-command=sh", "-xf", "a.tar")]
    [InlineData("remote path", "tar", "-cf", "host:/x", ".")]
    [InlineData("'-e'", "rsync", "-avze", "sh", "a", "b")]
    [InlineData("'--rsh'", "rsync", "--rsh=sh", "a", "b")]
    [InlineData("remote path", "rsync", "-a", "a", "host:b")]
    [InlineData("system()", "awk", "BEGIN { system(\"id\") }")]
    [InlineData("system()", "awk", "-F", ":", "BEGIN { print | \"sh\" }")]
    [InlineData("from a file", "gawk", "-f", "prog.awk")]
    [InlineData("'--compress-program'", "sort", "--compress-program=sh", "f")]
    [InlineData("'--filter'", "split", "--filter=sh", "f")]
    [InlineData("'-TT'", "zip", "-TT", "sh", "a.zip", "f")]
    [InlineData("'--pre'", "rg", "--pre", "sh", "x")]
    [InlineData("'-x'", "fd", "-x", "sh")]
    [InlineData("'--use-askpass'", "wget", "--use-askpass=sh", "https://example.com")]
    [InlineData("'-wrapper'", "gcc", "-wrapper", "sh,-c,id", "a.c")]
    [InlineData("'@'", "cc", "@opts")]
    [InlineData("'-fplugin'", "clang", "-fplugin=evil.so", "a.c")]
    [InlineData("'-c'", "git", "-c", "core.pager=sh", "log")]
    [InlineData("'--config-env'", "git", "--config-env=core.pager=EVIL", "log")]
    [InlineData("'-C'", "git", "-C", "/tmp/other", "status")]
    [InlineData("not one of git's own", "git", "x")]
    [InlineData("not one of git's own", "git", "difftool")]
    [InlineData("not one of git's own", "git", "submodule", "foreach", "id")]
    [InlineData("'-x'", "git", "rebase", "-x", "id", "HEAD~1")]
    [InlineData("'--exec=id'", "git", "rebase", "--exec=id", "HEAD~1")]
    [InlineData("'--upload-pack=sh'", "git", "fetch", "--upload-pack=sh", "origin")]
    [InlineData("'--template=.'", "git", "clone", "--template=.", "https://example.com/r.git")]
    [InlineData("'-c'", "git", "clone", "-c", "core.hooksPath=.", "https://example.com/r.git")]
    [InlineData("only reading", "git", "config", "alias.x", "!id")]
    [InlineData("only reading", "git", "config", "core.hooksPath", ".")]
    [InlineData("'--ext-diff'", "git", "diff", "--ext-diff")]
    public void Exec_capable_programs_and_options_are_refused(string reason, params string[] words)
    {
        var refusal = AllowlistGuard.Refusal(words);
        Assert.NotNull(refusal);
        Assert.Contains(reason, refusal);
        Assert.Contains("allowlist mode", refusal);
    }

    [Theory]
    [InlineData("ls", "-la")]
    [InlineData("grep", "-rn", "needle", ".")]
    [InlineData("find", ".", "-name", "*.cs", "-newer", "x")]
    [InlineData("tar", "-czf", "a.tgz", "src")]
    [InlineData("rsync", "-avz", "--exclude", "bin", "a/", "b/")]
    [InlineData("awk", "-F", ",", "{ print $1 }", "data.csv")]
    [InlineData("sed", "s/a/b/", "f")]
    [InlineData("gcc", "-O2", "-DBUILD", "-o", "a", "a.c")]
    [InlineData("git", "status")]
    [InlineData("git", "--version")]
    [InlineData("git", "add", "-u")]
    [InlineData("git", "commit", "-C", "HEAD", "--amend")]
    [InlineData("git", "log", "-p", "-c")]
    [InlineData("git", "config", "--get", "user.name")]
    [InlineData("git", "config", "list")]
    [InlineData("git", "cherry-pick", "-x", "abc123")]
    public void Ordinary_uses_of_listed_programs_pass(params string[] words) => Assert.Null(AllowlistGuard.Refusal(words));

    [Fact]
    public void Sed_runs_in_its_sandbox_mode_and_git_with_program_running_config_overridden()
    {
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(["/bin/sed", "--sandbox", "s/a/b/", "f"], AllowlistGuard.Harden("/bin/sed", ["sed", "s/a/b/", "f"]));
        }
        var git = AllowlistGuard.Harden("/usr/bin/git", ["git", "diff", "HEAD"]);
        Assert.Equal("/usr/bin/git", git[0]);
        Assert.Contains("core.hooksPath=/dev/null", git);
        Assert.Contains("core.pager=cat", git);
        Assert.Contains("core.sshCommand=ssh -F /dev/null", git);
        Assert.Equal(["diff", "--no-ext-diff", "HEAD"], git.TakeLast(3));
    }

    [Fact]
    public async Task A_hook_in_the_workspace_repository_does_not_run_and_sed_cannot_execute()
    {
        var policy = new ShellPolicy(["git", "sed"], Network: false, Unsandboxed: true);
        File.WriteAllText(_kit.InWorkspace(".gitconfig"), "[user]\n\tname = t\n\temail = t@example.com\n[init]\n\tdefaultBranch = main\n");
        Assert.Equal(0, Result(await CallAsync(Tool(_kit.Paths, policy), Json(("command", "git init -q")))).ExitCode);
        var hook = _kit.InWorkspace(".git/hooks/pre-commit");
        File.WriteAllText(hook, "#!/bin/sh\ntouch \"$HOME/MARKER\"\n");
        File.SetUnixFileMode(hook, (UnixFileMode)0b111_101_101);

        var commit = Result(await CallAsync(Tool(_kit.Paths, policy), Json(("command", "git commit -q --allow-empty -m one"))));
        Assert.Equal(0, commit.ExitCode);
        Assert.False(File.Exists(_kit.InWorkspace("MARKER")));

        File.WriteAllText(_kit.InWorkspace("f.txt"), "a\n");
        var sed = Result(await CallAsync(Tool(_kit.Paths, policy), Json(("command", "sed -n \"1e touch MARKER\" f.txt"))));
        Assert.NotEqual(0, sed.ExitCode);
        Assert.False(File.Exists(_kit.InWorkspace("MARKER")));
    }

    public void Dispose() => _kit.Dispose();
}
