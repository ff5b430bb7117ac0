using OpenMotoko.Skills.Shell;
using OpenMotoko.Tests.Skills.Files;
using static OpenMotoko.Tests.Skills.Files.ToolKit;
using static OpenMotoko.Tests.Skills.Shell.ShellKit;

namespace OpenMotoko.Tests.Skills.Shell;

/// <summary>
/// Which sandbox is picked (bubblewrap, sandbox-exec, none) from the programs found on a PATH, what the
/// tool does without one, and the macOS profile's text (sandbox-exec cannot run here).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SandboxSelectionTests : IDisposable
{
    private readonly ToolKit _kit = new();

    private string EmptyPath => Directory.CreateDirectory(Path.Combine(_kit.Root, "empty-bin")).FullName;

    [Fact]
    public async Task With_bubblewrap_hidden_the_tool_refuses_and_names_the_package_then_runs_once_allowed_unconfined()
    {
        var hidden = ShellSandbox.Probe(EmptyPath, linux: true, macOS: false);
        Assert.False(hidden.IsActive);
        Assert.Contains("apt-get install bubblewrap", hidden.Status);

        var refused = await CallAsync(Tool(_kit.Paths, ShellPolicy.Default, hidden), Json(("command", "touch MARKER")));
        Assert.True(refused.IsError);
        Assert.Contains("apt-get install bubblewrap", refused.Output);
        Assert.Contains("skills.shell.unsandboxed", refused.Output);
        Assert.False(File.Exists(_kit.InWorkspace("MARKER")));

        var allowlisted = await CallAsync(Tool(_kit.Paths, new ShellPolicy(["touch"], true), hidden), Json(("command", "touch MARKER")));
        Assert.True(allowlisted.IsError); // allowlist mode needs a sandbox just the same
        Assert.False(File.Exists(_kit.InWorkspace("MARKER")));

        var allowed = Result(await CallAsync(Tool(_kit.Paths, ShellPolicy.Default with { Unsandboxed = true }, hidden), Json(("command", "touch MARKER"))));
        Assert.Equal(0, allowed.ExitCode);
        Assert.True(File.Exists(_kit.InWorkspace("MARKER")));
    }

    [Fact]
    public void On_macOS_a_working_sandbox_exec_is_picked_and_a_broken_one_is_not()
    {
        var working = FakeProgram("working", "sandbox-exec", "exit 0");
        var picked = ShellSandbox.Probe(working, linux: false, macOS: true);
        Assert.Equal(SandboxKind.Seatbelt, picked.Kind);
        Assert.StartsWith("active: sandbox-exec", picked.Status, StringComparison.Ordinal);

        var broken = ShellSandbox.Probe(FakeProgram("broken", "sandbox-exec", "echo 'sandbox_apply: Operation not permitted' >&2; exit 71"), linux: false, macOS: true);
        Assert.Equal(SandboxKind.None, broken.Kind);
        Assert.Contains("Operation not permitted", broken.Status);

        Assert.Equal(SandboxKind.None, ShellSandbox.Probe(EmptyPath, linux: false, macOS: true).Kind);
        Assert.Equal(SandboxKind.None, ShellSandbox.Probe(working, linux: false, macOS: false).Kind);
        // On Linux only bubblewrap counts, whatever else is on PATH.
        Assert.Equal(SandboxKind.None, ShellSandbox.Probe(working, linux: true, macOS: false).Kind);
    }

    [Fact]
    public void Sandbox_exec_gets_the_profile_and_the_paths_as_parameters_never_inside_the_profile()
    {
        var sandboxExec = Path.Combine(FakeProgram("args", "sandbox-exec", "exit 0"), "sandbox-exec");
        var sandbox = ShellSandbox.Probe(Path.GetDirectoryName(sandboxExec)!, linux: false, macOS: true);
        var argv = sandbox.Wrap(["/bin/sh", "-c", "ls"], _kit.Workspace, _kit.Workspace, false, _kit.DataDir, _kit.DatabasePath);

        Assert.Equal(sandboxExec, argv[0]);
        Assert.Equal("-p", argv[1]);
        var profile = argv[2];
        Assert.DoesNotContain(_kit.Root, profile);
        Assert.Equal(["-D", $"WORKSPACE={_kit.Workspace}", "-D", $"DATA_DIR={_kit.DataDir}", "/bin/sh", "-c", "ls"], argv.Skip(3));
        Assert.Contains("(deny network*)", profile);
    }

    [Fact]
    public void The_profile_hides_the_data_dir_but_not_the_workspace_inside_it_and_keeps_other_processes_out_of_reach()
    {
        var profile = Seatbelt.Profile(hideDataDir: true, workspaceInsideDataDir: true, hideDatabase: false, network: true);
        var lines = profile.Split('\n');
        int At(string line) => Array.FindIndex(lines, l => l.Trim() == line);

        Assert.Equal("(version 1)", lines[0]);
        // Later rules win: writes are denied, then allowed in the workspace and temp folders; the data dir is
        // denied after that, and the workspace inside it allowed again last.
        Assert.True(At("(deny file-write*)") < At("(allow file-write*"));
        Assert.True(At("(allow file-write*") < At("(deny file-read* file-write* (subpath (param \"DATA_DIR\")))"));
        Assert.True(At("(deny file-read* file-write* (subpath (param \"DATA_DIR\")))") < At("(allow file-read* file-write* (subpath (param \"WORKSPACE\")))"));
        Assert.Contains("(subpath (param \"WORKSPACE\"))", profile);
        Assert.Contains("(deny process-info* signal mach-priv-task-port)", lines);
        Assert.Contains("(allow process-info* signal mach-priv-task-port (target same-sandbox))", lines);
        Assert.DoesNotContain("network", profile);
        Assert.Equal(profile.Count(c => c == '('), profile.Count(c => c == ')'));

        var apart = Seatbelt.Profile(hideDataDir: true, workspaceInsideDataDir: false, hideDatabase: true, network: false);
        Assert.DoesNotContain("(allow file-read* file-write* (subpath (param \"WORKSPACE\")))", apart);
        Assert.Contains("(literal (string-append (param \"DATABASE\") \"-wal\"))", apart);
        Assert.EndsWith("(deny network*)\n", apart, StringComparison.Ordinal);
        Assert.Equal(apart.Count(c => c == '('), apart.Count(c => c == ')'));
    }

    /// <summary>A folder holding one executable script standing in for a real program.</summary>
    private string FakeProgram(string folder, string name, string body)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_kit.Root, folder)).FullName;
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return directory;
    }

    public void Dispose() => _kit.Dispose();
}
