using System.Globalization;

namespace OpenMotoko.Cli;

/// <summary>One service as install, uninstall, status and logs see it: its file and the system commands that manage it.</summary>
internal sealed record ServiceTarget(ServiceFile File, string DataDir, string? RunAs)
{
    public bool IsSystemd => File.Platform == ServicePlatform.Systemd;

    public string EnvFile => Path.Combine(DataDir, ServiceFile.EnvFileName);

    /// <summary>launchd's log file: the plist sends both streams there.</summary>
    public string LogFile => Path.Combine(DataDir, "openmotoko.log");

    /// <summary>A new service is enabled and started; an installed one is reloaded and restarted, so the new file takes effect.</summary>
    public List<string[]> InstallCommands(bool updating)
    {
        List<string[]> commands = IsSystemd
            ? updating
                ? [Systemctl("daemon-reload"), Systemctl("enable", ServiceFile.UnitName), Systemctl("restart", ServiceFile.UnitName)]
                : [Systemctl("daemon-reload"), Systemctl("enable", "--now", ServiceFile.UnitName)]
            : updating
                ? [["launchctl", "bootout", JobName], ["launchctl", "bootstrap", Domain, File.Path]]
                : [["launchctl", "bootstrap", Domain, File.Path]];
        if (RunAs is not null)
        {
            commands.InsertRange(0, ServiceUser.Commands(RunAs, DataDir));
        }
        return commands;
    }

    public string[] StopCommand => IsSystemd ? Systemctl("disable", "--now", ServiceFile.UnitName) : ["launchctl", "bootout", JobName];

    /// <summary>systemctl is-active prints active, failed, inactive, activating...; launchctl print shows "state = running".</summary>
    public string[] StateCommand => IsSystemd ? Systemctl("is-active", ServiceFile.UnitName) : ["launchctl", "print", JobName];

    public string[] LogsCommand(bool follow, int lines)
    {
        var count = lines.ToString(CultureInfo.InvariantCulture);
        string[] tail = follow ? ["-n", count, "-f"] : ["-n", count];
        return IsSystemd
            ? [.. Journalctl(), "-u", ServiceFile.UnitName, "--no-pager", .. tail]
            : ["tail", .. tail, LogFile];
    }

    public string[] Systemctl(params string[] arguments) => File.SystemWide ? ["systemctl", .. arguments] : ["systemctl", "--user", .. arguments];

    private string[] Journalctl() => File.SystemWide ? ["journalctl"] : ["journalctl", "--user"];

    private string Domain => File.SystemWide ? "system" : $"gui/{Posix.UserId.ToString(CultureInfo.InvariantCulture)}";

    private string JobName => $"{Domain}/{ServiceFile.Label}";
}
