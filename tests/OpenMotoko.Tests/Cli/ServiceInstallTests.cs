using System.Diagnostics;
using System.Xml;

namespace OpenMotoko.Tests.Cli;

[Collection("cli")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServiceInstallTests : IDisposable
{
    private readonly string _home = Cli.TempDir();

    public void Dispose() => Cli.Delete(_home);

    /// <summary>A stand-in binary outside /tmp (a service with PrivateTmp could not see one there).</summary>
    private static string Bin => FakeTools.Binary;

    private Dictionary<string, string> Environment => new() { ["HOME"] = _home };

    /// <summary>The file part of a dry run: the lines between "Would write" and the first "Would run".</summary>
    private static (string Path, string Content) WrittenFile(string output)
    {
        var lines = output.Split('\n');
        Assert.StartsWith("Would write ", lines[0], StringComparison.Ordinal);
        var content = string.Join('\n', lines.Skip(1).TakeWhile(l => !l.StartsWith("Would ", StringComparison.Ordinal)));
        return (lines[0]["Would write ".Length..].TrimEnd(':'), content);
    }

    [Fact]
    public async Task Systemd_system_unit_dry_run()
    {
        var result = await Cli.RunAsync(["service", "install", "--dry-run", "--system", "--platform", "systemd",
            "--binary", Bin, "--data-dir", "/var/lib/openmotoko", "--run-as", "nobody"], Environment);

        Assert.Equal(0, result.ExitCode);
        var (path, unit) = WrittenFile(result.Output);
        Assert.Equal("/etc/systemd/system/openmotoko.service", path);
        foreach (var line in new[]
                 {
                     $"ExecStart=\"{Bin}\" serve --data-dir \"/var/lib/openmotoko\"",
                     "Restart=on-failure", "NoNewPrivileges=true", "ProtectSystem=strict", "ProtectHome=true",
                     "ReadWritePaths=\"/var/lib/openmotoko\"", "PrivateTmp=true", "User=nobody", "WantedBy=multi-user.target",
                 })
        {
            Assert.Contains(line, unit.Split('\n'));
        }
        Assert.Contains("Would run: systemctl daemon-reload", result.Output, StringComparison.Ordinal);
        Assert.Contains("Would run: systemctl enable --now openmotoko.service", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(path) && File.ReadAllText(path) == unit);
    }

    [Fact]
    public async Task A_system_unit_runs_as_a_dedicated_user_created_when_missing_and_owning_the_data_dir()
    {
        var result = await Cli.RunAsync(["service", "install", "--dry-run", "--system", "--platform", "systemd",
            "--binary", Bin, "--data-dir", "/var/lib/openmotoko"], Environment);

        Assert.Equal(0, result.ExitCode);
        var unit = WrittenFile(result.Output).Content.Split('\n');
        Assert.Contains("User=openmotoko", unit);
        Assert.DoesNotContain(unit, line => line.StartsWith("Group=", StringComparison.Ordinal));
        var runs = result.Output.Split('\n').Where(l => l.StartsWith("Would run: ", StringComparison.Ordinal)).ToList();
        var useradd = "Would run: useradd --system --user-group --home-dir /var/lib/openmotoko --no-create-home --shell /usr/sbin/nologin openmotoko";
        Assert.Equal(OpenMotoko.Cli.ServiceUser.Exists("openmotoko") ? [] : [useradd], runs.Where(l => l.Contains("useradd", StringComparison.Ordinal)));
        Assert.Equal([
            "Would run: chown -R openmotoko: /var/lib/openmotoko",
            "Would run: systemctl daemon-reload",
            "Would run: systemctl enable --now openmotoko.service",
        ], runs.Where(l => !l.Contains("useradd", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_as_an_existing_user_creates_nobody_and_run_as_root_keeps_root()
    {
        var existing = await Cli.RunAsync(["service", "install", "--dry-run", "--system", "--platform", "systemd",
            "--binary", Bin, "--data-dir", "/srv/motoko", "--run-as", "nobody"], Environment);
        Assert.Contains("User=nobody", existing.Output.Split('\n'));
        Assert.DoesNotContain("useradd", existing.Output, StringComparison.Ordinal);
        Assert.Contains("Would run: chown -R nobody: /srv/motoko", existing.Output.Split('\n'));

        var root = await Cli.RunAsync(["service", "install", "--dry-run", "--system", "--platform", "systemd",
            "--binary", Bin, "--data-dir", "/srv/motoko", "--run-as", "root"], Environment);
        Assert.Equal(0, root.ExitCode);
        Assert.DoesNotContain("User=", root.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("useradd", root.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("chown", root.Output, StringComparison.Ordinal);

        var user = await Cli.RunAsync(["service", "install", "--dry-run", "--user", "--platform", "systemd", "--binary", Bin], Environment);
        Assert.DoesNotContain("User=", user.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("chown", user.Output, StringComparison.Ordinal);
    }

    [SystemdAnalyzeFact]
    public async Task Systemd_system_unit_passes_systemd_analyze_verify()
    {
        var result = await Cli.RunAsync(["service", "install", "--dry-run", "--system", "--platform", "systemd",
            "--binary", Bin, "--data-dir", "/var/lib/open motoko/100%"], Environment);

        VerifyWithSystemd(WrittenFile(result.Output).Content, user: false);
    }

    [SystemdAnalyzeFact]
    public async Task Systemd_user_unit_passes_systemd_analyze_verify()
    {
        var result = await Cli.RunAsync(["service", "install", "--dry-run", "--user", "--platform", "systemd", "--binary", Bin], Environment);

        VerifyWithSystemd(WrittenFile(result.Output).Content, user: true);
    }

    [Fact]
    public async Task Systemd_user_unit_dry_run()
    {
        var dataDir = Path.Combine(_home, ".local", "share", "openmotoko");
        var result = await Cli.RunAsync(["service", "install", "--dry-run", "--user", "--platform", "systemd", "--binary", Bin], Environment);

        Assert.Equal(0, result.ExitCode);
        var (path, unit) = WrittenFile(result.Output);
        Assert.Equal(Path.Combine(_home, ".config", "systemd", "user", "openmotoko.service"), path);
        Assert.Contains($"ExecStart=\"{Bin}\" serve --data-dir \"{dataDir}\"", unit.Split('\n'));
        Assert.Contains("WantedBy=default.target", unit.Split('\n'));
        Assert.DoesNotContain("User=", unit, StringComparison.Ordinal);
        Assert.Contains("Would run: systemctl --user daemon-reload", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(path)); // a dry run writes nothing
    }

    [Fact]
    public async Task Launchd_plist_dry_run_is_a_well_formed_plist()
    {
        var dataDir = Path.Combine(_home, "Data & <Stuff>");
        var result = await Cli.RunAsync(["service", "install", "--dry-run", "--user", "--platform", "launchd",
            "--binary", Bin, "--data-dir", dataDir], Environment);

        Assert.Equal(0, result.ExitCode);
        var (path, plist) = WrittenFile(result.Output);
        Assert.Equal(Path.Combine(_home, "Library", "LaunchAgents", "com.openmotoko.daemon.plist"), path);
        var document = new XmlDocument();
        using (var reader = XmlReader.Create(new StringReader(plist), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore }))
        {
            document.Load(reader);
        }
        var dict = document.SelectSingleNode("/plist/dict")!;
        Assert.Equal("com.openmotoko.daemon", dict.SelectSingleNode("key[.='Label']/following-sibling::string[1]")!.InnerText);
        var arguments = dict.SelectNodes("key[.='ProgramArguments']/following-sibling::array[1]/string")!.Cast<XmlNode>().Select(n => n.InnerText);
        Assert.Equal([Bin, "serve", "--data-dir", dataDir], arguments);
        Assert.NotNull(dict.SelectSingleNode("key[.='RunAtLoad']/following-sibling::*[1][self::true]"));
        Assert.Contains("Would run: launchctl bootstrap gui/", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launchd_system_job_goes_to_LaunchDaemons()
    {
        var result = await Cli.RunAsync(["service", "install", "--dry-run", "--system", "--platform", "launchd", "--binary", Bin], Environment);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("/Library/LaunchDaemons/com.openmotoko.daemon.plist", WrittenFile(result.Output).Path);
        Assert.Contains("Would run: launchctl bootstrap system ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_refuses_to_guess_the_binary_when_run_under_a_host()
    {
        var result = await Cli.RunAsync(["service", "install", "--dry-run", "--platform", "systemd"], Environment);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--binary", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uninstall_and_status_dry_runs_say_what_they_would_do()
    {
        var uninstall = await Cli.RunAsync(["service", "uninstall", "--dry-run", "--user", "--platform", "systemd"], Environment);
        Assert.Equal(0, uninstall.ExitCode);
        Assert.Contains("Not installed", uninstall.Output, StringComparison.Ordinal);

        // Status exits as the real run would: 1 when there is no service to run.
        var status = await Cli.RunAsync(["service", "status", "--dry-run", "--user", "--platform", "systemd"], Environment);
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("Not installed", status.Output, StringComparison.Ordinal);
    }

    /// <summary>`systemd-analyze verify` on the unit; it prints (and exits 0 on) unknown keys and bad values, so any output fails.</summary>
    private void VerifyWithSystemd(string unit, bool user)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_home, "verify")).FullName;
        var file = Path.Combine(directory, "openmotoko.service");
        // verify checks that ExecStart's binary exists: point it at one that does.
        File.WriteAllText(file, unit.Replace($"\"{Bin}\"", "\"/bin/true\"", StringComparison.Ordinal));
        var runtime = Directory.CreateDirectory(Path.Combine(_home, "runtime")).FullName;
        var start = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (user)
        {
            start.ArgumentList.Add("--user");
            start.Environment["XDG_RUNTIME_DIR"] = runtime;
        }
        start.ArgumentList.Add("verify");
        start.ArgumentList.Add(file);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0 && !output.Contains(file, StringComparison.Ordinal), $"systemd-analyze verify:\n{output}");
    }
}

/// <summary>A fact that is reported as skipped, with the reason, where systemd-analyze is missing.</summary>
internal sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public SystemdAnalyzeFactAttribute()
    {
        if (!File.Exists("/usr/bin/systemd-analyze") && !File.Exists("/bin/systemd-analyze"))
        {
            Skip = "systemd-analyze is not installed here: the unit was checked by its content only.";
        }
    }
}
