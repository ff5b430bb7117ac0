using OpenMotoko.Skills.Files;
using OpenMotoko.Skills.Shell;
using OpenMotoko.Tests.Skills.Files;
using static OpenMotoko.Tests.Skills.Files.ToolKit;
using static OpenMotoko.Tests.Skills.Shell.ShellKit;

namespace OpenMotoko.Tests.Skills.Shell;

/// <summary>Commands inside bubblewrap: only the workspace writable, the data dir hidden, the network as configured.</summary>
public sealed class SandboxTests : IDisposable
{
    // Outside /tmp, which the sandbox replaces with an empty tmpfs: hiding the data dir must not rely on that.
    private readonly ToolKit _kit = new(Directory.Exists("/var/tmp") ? "/var/tmp" : null);

    [BwrapFact]
    public void The_status_names_the_bubblewrap_version()
    {
        Assert.StartsWith("active: bubblewrap ", ShellSandbox.Detect().Status, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disabled_sandbox_says_why_and_leaves_argv_alone()
    {
        var sandbox = ShellSandbox.Disabled("bwrap is not installed");
        Assert.False(sandbox.IsActive);
        Assert.Equal("inactive: bwrap is not installed", sandbox.Status);
        Assert.Equal(["/bin/sh", "-c", "true"], sandbox.Wrap(["/bin/sh", "-c", "true"], "/w", "/w", true, null, null));
    }

    [BwrapFact]
    public async Task Only_the_workspace_is_writable()
    {
        var marker = $"openmotoko-escape-{Guid.NewGuid():N}";
        var outsideButTmp = Path.Combine(_kit.Root, marker);
        var command = $"echo inside > inside.txt; touch /var/tmp/{marker} /root/{marker} {outsideButTmp}; echo rc=$?";
        var result = Result(await CallAsync(Sandboxed(), Json(("command", command))));
        Assert.Contains("rc=1", result.Stdout);
        Assert.Equal("inside\n", File.ReadAllText(_kit.InWorkspace("inside.txt")));
        Assert.False(File.Exists($"/var/tmp/{marker}"));
        Assert.False(File.Exists($"/root/{marker}"));
        Assert.False(File.Exists(outsideButTmp));
    }

    [BwrapFact]
    public async Task The_data_dir_and_database_are_hidden()
    {
        File.WriteAllText(Path.Combine(_kit.DataDir, "secrets.txt"), "top secret");
        var result = Result(await CallAsync(Sandboxed(), Json(("command", $"ls -a {_kit.DataDir}; cat {_kit.DatabasePath} {_kit.DataDir}/secrets.txt"))));
        Assert.Equal(".\n..\nworkspace\n", result.Stdout);
        Assert.DoesNotContain("not a real database", result.Stdout);
        Assert.NotEqual(0, result.ExitCode);

        // A workspace configured around the data dir still cannot see into it.
        var wide = new WorkspacePaths(_kit.Root, _kit.DataDir, _kit.DatabasePath);
        var around = Result(await CallAsync(Sandboxed(wide), Json(("command", "ls data; cat data/openmotoko.db data/secrets.txt"))));
        Assert.Equal("", around.Stdout);
        Assert.NotEqual(0, around.ExitCode);
    }

    [BwrapFact]
    public async Task The_network_is_shared_only_when_allowed()
    {
        static int Interfaces(string procNetDev) => procNetDev.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 2;
        var offline = Result(await CallAsync(Sandboxed(network: false), Json(("command", "cat /proc/net/dev"))));
        Assert.Equal(1, Interfaces(offline.Stdout));
        Assert.Contains("lo:", offline.Stdout);
        var online = Result(await CallAsync(Sandboxed(network: true), Json(("command", "cat /proc/net/dev"))));
        Assert.Equal(Interfaces(File.ReadAllText("/proc/net/dev")), Interfaces(online.Stdout));
    }

    [BwrapFact]
    public async Task Timeout_kills_everything_inside_the_sandbox()
    {
        var tag = Random.Shared.Next(100_000, 999_999);
        var command = $"sleep {tag}1 & sh -c 'sleep {tag}2 & wait' & wait";
        var result = Result(await CallAsync(Sandboxed(), Json(("command", command), ("timeoutMs", 1500))));
        Assert.True(result.TimedOut, $"{result.ExitCode} {result.Stdout} {result.Stderr}");
        for (var attempt = 0; attempt < 100 && LiveProcessesWith($"sleep {tag}").Count > 0; attempt++)
        {
            await Task.Delay(20);
        }
        Assert.Empty(LiveProcessesWith($"sleep {tag}"));
    }

    [BwrapFact]
    public async Task Allowlist_mode_runs_inside_the_sandbox_too()
    {
        var tool = Tool(_kit.Paths, new ShellPolicy(["touch"], true), ShellSandbox.Detect());
        var marker = $"openmotoko-escape-{Guid.NewGuid():N}";
        var result = Result(await CallAsync(tool, Json(("command", $"touch ok.txt /var/tmp/{marker}"))));
        Assert.NotEqual(0, result.ExitCode);
        Assert.True(File.Exists(_kit.InWorkspace("ok.txt")));
        Assert.False(File.Exists($"/var/tmp/{marker}"));
    }

    [BwrapFact]
    public async Task A_command_has_no_capabilities_and_cannot_unmount_what_hides_the_data_dir()
    {
        // The attack on a daemon running as root: lift the tmpfs over the data dir, then remount / writable.
        var marker = $"/var/tmp/openmotoko-escape-{Guid.NewGuid():N}";
        var command = $"id -u; grep CapEff /proc/self/status; umount -l {_kit.DataDir}; cat {_kit.DatabasePath}; " +
            $"mount -o remount,rw /; touch {marker}; unshare -U true && echo nested-userns";
        var result = Result(await CallAsync(Sandboxed(), Json(("command", command))));
        Assert.StartsWith($"{ShellSandbox.SandboxUid}\nCapEff:\t0000000000000000\n", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("not a real database", result.Stdout);
        Assert.DoesNotContain("nested-userns", result.Stdout);
        Assert.False(File.Exists(marker));
    }

    [BwrapFact]
    public async Task Files_only_root_may_read_stay_unreadable_when_the_daemon_is_root()
    {
        // Inside, the command's files map to the daemon's user: as root that would be root's own files.
        var result = Result(await CallAsync(Sandboxed(), Json(("command", "cat /etc/shadow /etc/gshadow; ls -A /root"))));
        Assert.Equal("", result.Stdout); // hidden (as root) or unreadable (as anyone else)
    }

    [BwrapFact(AsRoot = true)]
    public async Task A_workspace_in_roots_home_stays_usable_while_the_rest_of_it_is_hidden()
    {
        // Root's default data dir is ~/.local/share/openmotoko: the hidden /root must not take the workspace with it.
        using var kit = new ToolKit("/root");
        File.WriteAllText(Path.Combine(kit.Root, "beside.txt"), "root's own file");
        var tool = Tool(kit.Paths, new ShellPolicy([], true), ShellSandbox.Detect());
        var result = Result(await CallAsync(tool, Json(("command", $"echo ok > made.txt; cat made.txt; cat {kit.Root}/beside.txt {kit.DatabasePath}"))));
        Assert.Equal("ok\n", result.Stdout);
        Assert.Equal("ok\n", File.ReadAllText(kit.InWorkspace("made.txt")));
    }

    [BwrapFact]
    public async Task Setsid_and_double_forks_end_with_the_command_and_with_its_timeout()
    {
        var tag = Random.Shared.Next(100_000, 999_999);
        var returned = Result(await CallAsync(Sandboxed(), Json(("command", $"setsid -f sleep {tag}1; sh -c 'sleep {tag}2 &'; echo started"))));
        Assert.Equal("started\n", returned.Stdout);
        var timedOut = Result(await CallAsync(Sandboxed(),
            Json(("command", $"setsid -f sleep {tag}3; sh -c 'sleep {tag}4 &'; sleep {tag}5"), ("timeoutMs", 1500))));
        Assert.True(timedOut.TimedOut);
        Assert.True(await NoneLeftAsync($"sleep {tag}"), string.Join(", ", LiveProcessesWith($"sleep {tag}")));
    }

    [BwrapFact(AsOrdinaryUser = true)]
    public async Task A_command_cannot_start_more_processes_than_the_cap()
    {
        var tag = Random.Shared.Next(100_000, 999_999);
        var command = $"for i in $(seq 40); do sleep {tag} & done; echo spawned";
        var capped = Tool(_kit.Paths, new ShellPolicy([], true), ShellSandbox.Detect().WithMaxProcesses(16));
        var refused = Result(await CallAsync(capped, Json(("command", command), ("timeoutMs", 5000))));
        Assert.DoesNotContain("spawned", refused.Stdout);
        Assert.Contains("fork", refused.Stderr);

        var enough = Result(await CallAsync(Sandboxed(), Json(("command", command), ("timeoutMs", 5000))));
        Assert.Equal("spawned\n", enough.Stdout);
        Assert.True(await NoneLeftAsync($"sleep {tag}"));
    }

    private ExecuteCommandTool Sandboxed(WorkspacePaths? paths = null, bool network = true) =>
        Tool(paths ?? _kit.Paths, new ShellPolicy([], network), ShellSandbox.Detect());

    public void Dispose() => _kit.Dispose();
}
