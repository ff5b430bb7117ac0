namespace OpenMotoko.Tests.Cli;

/// <summary>install, status, logs and uninstall run for real against fake systemctl/journalctl/launchctl on PATH.</summary>
[Collection("cli")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServiceLifecycleTests : IDisposable
{
    private readonly string _home = Cli.TempDir();
    private readonly FakeTools _tools;

    public ServiceLifecycleTests()
    {
        _tools = new FakeTools(Path.Combine(_home, "fakes"));
        _tools.Add("systemctl", "[ \"$2\" = is-active ] || [ \"$1\" = is-active ] && echo active");
        _tools.Add("journalctl", "echo 'Dec 05 12:00:00 pi openmotoko[42]: Now listening on: http://127.0.0.1:3457'");
        _tools.Add("launchctl", "[ \"$1\" = print ] && printf '%s\\n' 'gui/501/com.openmotoko.daemon = {' '\tstate = running' '}'");
    }

    public void Dispose() => Cli.Delete(_home);

    private string DataDir => Path.Combine(_home, ".local", "share", "openmotoko");

    private string UnitPath => Path.Combine(_home, ".config", "systemd", "user", "openmotoko.service");

    private Dictionary<string, string> Environment => new()
    {
        ["HOME"] = _home,
        ["PATH"] = _tools.SearchPath,
        ["OPENMOTOKO_PASSWORD"] = "correct horse battery",
        ["ANTHROPIC_API_KEY"] = "sk-ant-test-secret",
    };

    private Task<Cli.Result> Service(params string[] args) =>
        Cli.RunAsync(["service", .. args, "--user", .. args.Contains("--platform") ? Array.Empty<string>() : ["--platform", "systemd"],
            "--binary", FakeTools.Binary], Environment);

    [Fact]
    public async Task Systemd_user_service_installs_updates_reports_and_uninstalls_leaving_the_data()
    {
        var install = await Service("install");
        Assert.Equal(0, install.ExitCode);
        Assert.Equal(["systemctl --user daemon-reload", "systemctl --user enable --now openmotoko.service"], _tools.Calls);
        Assert.Contains("Type=notify", File.ReadAllLines(UnitPath));
        var envFile = Path.Combine(DataDir, "openmotoko.env");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(envFile));
        Assert.Contains("ANTHROPIC_API_KEY=\"sk-ant-test-secret\"", File.ReadAllLines(envFile));
        Assert.DoesNotContain("sk-ant-test-secret", install.All, StringComparison.Ordinal); // names only on the terminal
        Assert.Contains("ANTHROPIC_API_KEY", install.Output, StringComparison.Ordinal);

        // The owner edits the secrets; a second install updates the unit in place and keeps them.
        File.WriteAllText(envFile, "OPENAI_API_KEY=\"edited\"\n");
        File.SetUnixFileMode(envFile, (UnixFileMode)0b110_100_100);
        _tools.ClearCalls();
        var again = await Service("install");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(["systemctl --user daemon-reload", "systemctl --user enable openmotoko.service", "systemctl --user restart openmotoko.service"], _tools.Calls);
        Assert.Equal("OPENAI_API_KEY=\"edited\"\n", File.ReadAllText(envFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(envFile));

        _tools.ClearCalls();
        var status = await Service("status");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("State: active", status.Output, StringComparison.Ordinal);
        Assert.Contains("Now listening on", status.Output, StringComparison.Ordinal);
        Assert.Equal(["systemctl --user is-active openmotoko.service", "journalctl --user -u openmotoko.service --no-pager -n 10"], _tools.Calls);

        _tools.ClearCalls();
        var logs = await Service("logs", "-f", "-n", "5");
        Assert.Equal(0, logs.ExitCode);
        Assert.Contains("Now listening on", logs.Output, StringComparison.Ordinal);
        Assert.Equal(["journalctl --user -u openmotoko.service --no-pager -n 5 -f"], _tools.Calls);

        _tools.ClearCalls();
        File.WriteAllText(Path.Combine(DataDir, "openmotoko.db"), "data");
        var uninstall = await Service("uninstall");
        Assert.Equal(0, uninstall.ExitCode);
        Assert.Equal(["systemctl --user disable --now openmotoko.service", "systemctl --user daemon-reload"], _tools.Calls);
        Assert.False(File.Exists(UnitPath));
        Assert.True(File.Exists(Path.Combine(DataDir, "openmotoko.db")));
        Assert.True(File.Exists(envFile));
    }

    [Fact]
    public async Task Status_of_a_failed_service_exits_1_with_its_state_and_last_log_lines()
    {
        await Service("install");
        _tools.Add("systemctl", "echo failed", exitCode: 3);
        _tools.Add("journalctl", "echo 'openmotoko: cannot use the database'");

        var status = await Service("status");

        Assert.Equal(1, status.ExitCode);
        Assert.Contains("State: failed", status.Output, StringComparison.Ordinal);
        Assert.Contains("cannot use the database", status.Output, StringComparison.Ordinal);
        Assert.Contains("openmotoko service logs", status.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_systemctl_fails_the_install()
    {
        _tools.Add("systemctl", "echo 'Failed to connect to bus' >&2", exitCode: 1);

        var install = await Service("install");

        Assert.Equal(1, install.ExitCode);
        Assert.Contains("'systemctl' exited with 1", install.Error, StringComparison.Ordinal);
        Assert.Contains("Failed to connect to bus", install.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launchd_agent_bootstraps_then_updates_by_bootout_and_bootstrap_and_uninstalls()
    {
        var plist = Path.Combine(_home, "Library", "LaunchAgents", "com.openmotoko.daemon.plist");
        var uid = OpenMotoko.Cli.Posix.UserId;

        var install = await Service("install", "--platform", "launchd");
        Assert.Equal(0, install.ExitCode);
        Assert.True(File.Exists(plist));
        Assert.Equal([$"launchctl bootstrap gui/{uid} {plist}"], _tools.Calls);

        _tools.ClearCalls();
        Assert.Equal(0, (await Service("install", "--platform", "launchd")).ExitCode);
        Assert.Equal([$"launchctl bootout gui/{uid}/com.openmotoko.daemon", $"launchctl bootstrap gui/{uid} {plist}"], _tools.Calls);

        var status = await Service("status", "--platform", "launchd");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("State: running", status.Output, StringComparison.Ordinal);

        _tools.ClearCalls();
        Assert.Equal(0, (await Service("uninstall", "--platform", "launchd")).ExitCode);
        Assert.Equal([$"launchctl bootout gui/{uid}/com.openmotoko.daemon"], _tools.Calls);
        Assert.False(File.Exists(plist));
    }

    [Theory]
    [InlineData("/nonexistent/openmotoko", "does not exist")]
    [InlineData("TMP", "temporary directory")]
    public async Task Dry_run_refuses_what_the_real_run_would_refuse(string binary, string message)
    {
        if (binary == "TMP")
        {
            binary = Path.Combine(_home, "openmotoko");
            File.WriteAllText(binary, "");
        }
        foreach (var dryRun in new[] { true, false })
        {
            string[] args = ["service", "install", "--user", "--platform", "systemd", "--binary", binary, .. dryRun ? new[] { "--dry-run" } : []];
            var result = await Cli.RunAsync(args, Environment);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains(message, result.Error, StringComparison.Ordinal);
        }
        Assert.Empty(_tools.Calls);
        Assert.False(File.Exists(UnitPath));
    }

    [Fact]
    public async Task Dry_run_refuses_a_run_as_user_that_does_not_exist_and_a_bad_memory_limit()
    {
        var user = await Cli.RunAsync(["service", "install", "--dry-run", "--system", "--platform", "systemd", "--binary", FakeTools.Binary,
            "--data-dir", DataDir, "--run-as", "no-such-user-42"], Environment);
        Assert.Equal(2, user.ExitCode);
        Assert.Contains("'no-such-user-42' given with --run-as does not exist", user.Error, StringComparison.Ordinal);

        var memory = await Cli.RunAsync(["service", "install", "--dry-run", "--user", "--platform", "systemd", "--binary", FakeTools.Binary,
            "--memory-max", "lots"], Environment);
        Assert.Equal(2, memory.ExitCode);
        Assert.Contains("--memory-max", memory.Error, StringComparison.Ordinal);

        var fine = await Cli.RunAsync(["service", "install", "--dry-run", "--user", "--platform", "systemd", "--binary", FakeTools.Binary,
            "--memory-max", "512M"], Environment);
        Assert.Equal(0, fine.ExitCode);
        Assert.Contains("MemoryMax=512M", fine.Output.Split('\n'));
        Assert.Contains("with: OPENMOTOKO_PASSWORD, ANTHROPIC_API_KEY", fine.Output, StringComparison.Ordinal);
        Assert.Empty(_tools.Calls);
    }
}
