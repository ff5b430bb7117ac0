using System.Diagnostics;

namespace OpenMotoko.Tests.Cli;

/// <summary>
/// The unit's hardening must leave the shell skill's bubblewrap sandbox working. Without a systemd to
/// start the unit, its mount-related settings are applied by hand in a private mount namespace (as
/// systemd applies them), and bwrap runs there as an unprivileged user with no_new_privs, as in the service.
/// </summary>
[Collection("cli")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServiceSandboxTests : IDisposable
{
    private readonly string _home = Cli.TempDir();

    public void Dispose() => Cli.Delete(_home);

    /// <summary>What systemd does for each setting, in sh; a setting that would break bwrap is asserted absent instead.</summary>
    private static readonly (string Setting, string Mounts)[] Emulated =
    [
        ("ProtectSystem=strict", "mount --bind /usr /usr && mount -o remount,bind,ro /usr && mount --bind /etc /etc && mount -o remount,bind,ro /etc"),
        ("PrivateTmp=true", "mount -t tmpfs tmpfs /tmp"),
        ("ProtectKernelTunables=true", "mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys"),
        ("ProtectKernelLogs=true", "mount --bind /dev/null /proc/kmsg"),
    ];

    [RootWithBubblewrapFact]
    public async Task Bubblewrap_runs_under_the_units_hardening()
    {
        var result = await Cli.RunAsync(["service", "install", "--dry-run", "--user", "--platform", "systemd", "--binary", FakeTools.Binary],
            new() { ["HOME"] = _home });
        var unit = result.Output.Split('\n');
        Assert.Contains("NoNewPrivileges=true", unit);
        Assert.Contains(unit, l => l.StartsWith("RestrictAddressFamilies=", StringComparison.Ordinal) && l.Contains("AF_NETLINK", StringComparison.Ordinal));
        // bwrap needs to create user, mount, pid, ipc, uts and net namespaces and mount a fresh /proc.
        Assert.DoesNotContain(unit, l => l.StartsWith("RestrictNamespaces=", StringComparison.Ordinal) ||
            l.StartsWith("ProtectProc=", StringComparison.Ordinal) || l.StartsWith("ProcSubset=", StringComparison.Ordinal));

        var mounts = string.Join(" && ", Emulated.Where(e => unit.Contains(e.Setting)).Select(e => e.Mounts));
        const string Bwrap = "bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all --unshare-user --uid 65534 --gid 65534 " +
            "--cap-drop ALL --die-with-parent --new-session true";
        var start = new ProcessStartInfo("unshare", ["-m", "--propagation", "private", "sh", "-c",
            $"{mounts} && exec setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs {Bwrap}"])
        { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"bwrap under the unit's settings failed: {errors}");
    }
}

/// <summary>Needs root (to build the mount namespace) and bwrap, unshare and setpriv; skipped with the reason otherwise.</summary>
internal sealed class RootWithBubblewrapFactAttribute : FactAttribute
{
    public RootWithBubblewrapFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !OpenMotoko.Cli.Posix.IsRoot)
        {
            Skip = "needs root on Linux to emulate the unit's mounts: the unit's bwrap needs were checked by its content only.";
        }
        else if (new[] { "bwrap", "unshare", "setpriv" }.FirstOrDefault(t => !File.Exists($"/usr/bin/{t}") && !File.Exists($"/bin/{t}")) is { } missing)
        {
            Skip = $"{missing} is not installed here: the unit's bwrap needs were checked by its content only.";
        }
    }
}
