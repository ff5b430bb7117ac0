using System.CommandLine;
using System.Diagnostics;
using OpenMotoko.Hosting;

namespace OpenMotoko.Cli;

/// <summary>`openmotoko service install|uninstall|status`: a systemd unit on Linux, a launchd job on macOS.</summary>
internal sealed class ServiceCommand : Command
{
    private static readonly Option<string?> DataDirOption = CommonOptions.DataDir(recursive: true);

    private static readonly Option<bool> DryRunOption = new("--dry-run")
    {
        Description = "Print the file and the commands instead of writing and running them.",
        Recursive = true,
    };

    private static readonly Option<string?> BinaryOption = new("--binary")
    {
        Description = "The openmotoko binary the service runs (default: this one).",
        Recursive = true,
    };

    private static readonly Option<string?> RunAsOption = new("--run-as")
    {
        Description = "systemd, system-wide only: the user the daemon runs as (default: openmotoko, created if missing; 'root' keeps root).",
        Recursive = true,
    };

    private static readonly Option<ServicePlatform?> PlatformOption = new("--platform")
    {
        Description = "systemd or launchd (default: this machine's).",
        Recursive = true,
    };

    private static readonly Option<bool> UserOption = new("--user") { Description = "A per-user service (the default unless root).", Recursive = true };
    private static readonly Option<bool> SystemOption = new("--system") { Description = "A system-wide service (the default as root).", Recursive = true };

    public ServiceCommand(CliContext context) : base("service", "Run the daemon as a systemd (Linux) or launchd (macOS) service.")
    {
        Options.Add(UserOption);
        Options.Add(SystemOption);
        Options.Add(DataDirOption);
        Options.Add(DryRunOption);
        Options.Add(BinaryOption);
        Options.Add(RunAsOption);
        Options.Add(PlatformOption);
        var install = new Command("install", "Write the service file and enable and start the service (system-wide as root, per user otherwise).");
        install.SetAction(parseResult => Install(context, parseResult));
        var uninstall = new Command("uninstall", "Stop and disable the service and remove its file.");
        uninstall.SetAction(parseResult => Uninstall(context, parseResult));
        var status = new Command("status", "Show whether the service is installed and running.");
        status.SetAction(parseResult => Status(context, parseResult));
        foreach (var subcommand in new[] { install, uninstall, status })
        {
            subcommand.Validators.Add(static result =>
            {
                if (result.GetValue(UserOption) && result.GetValue(SystemOption))
                {
                    result.AddError("Give --user or --system, not both.");
                }
            });
            Subcommands.Add(subcommand);
        }
    }

    private static int Install(CliContext context, ParseResult parseResult)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        if ((parseResult.GetValue(BinaryOption) ?? ThisBinary()) is not { } binary)
        {
            error.WriteLine("openmotoko: this process is not the openmotoko binary (it runs under dotnet); give the binary with --binary.");
            return ExitCodes.Usage;
        }
        var executable = Path.GetFullPath(binary);
        if (!parseResult.GetValue(DryRunOption) && !File.Exists(executable))
        {
            error.WriteLine($"openmotoko: the binary {executable} does not exist; give it with --binary.");
            return ExitCodes.Failure;
        }
        var file = Describe(context, parseResult, executable);
        if (file.Platform == ServicePlatform.Launchd && parseResult.GetValue(RunAsOption) is not null)
        {
            error.WriteLine("openmotoko: --run-as is for systemd; a launchd job runs as the user who installs it.");
            return ExitCodes.Usage;
        }
        var commands = file.Platform == ServicePlatform.Systemd
            ? new List<string[]> { Systemctl(file, "daemon-reload"), Systemctl(file, "enable", "--now", ServiceFile.UnitName) }
            : [["launchctl", "bootstrap", LaunchdDomain(file), file.Path]];
        if (RunAs(parseResult, file) is { } user)
        {
            commands.InsertRange(0, ServiceUser.Commands(user, DataDir(context, parseResult, file.SystemWide)));
            if (ServiceUser.BinaryNote(user, executable) is { } note)
            {
                error.WriteLine($"openmotoko: {note}");
            }
        }
        if (parseResult.GetValue(DryRunOption))
        {
            output.WriteLine($"Would write {file.Path}:");
            output.Write(file.Content);
            foreach (var command in commands)
            {
                output.WriteLine($"Would run: {string.Join(' ', command)}");
            }
            return ExitCodes.Ok;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file.Path)!);
        Directory.CreateDirectory(DataDir(context, parseResult, file.SystemWide));
        File.WriteAllText(file.Path, file.Content);
        output.WriteLine($"Wrote {file.Path}");
        var exit = SystemCommands.RunAll(commands, output, error);
        if (exit == ExitCodes.Ok && file.Platform == ServicePlatform.Systemd && !file.SystemWide)
        {
            output.WriteLine("To keep it running when you are logged out: loginctl enable-linger $USER");
        }
        return exit;
    }

    private static int Uninstall(CliContext context, ParseResult parseResult)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        var file = Describe(context, parseResult, Environment.ProcessPath ?? "openmotoko");
        var commands = file.Platform == ServicePlatform.Systemd
            ? new[] { Systemctl(file, "disable", "--now", ServiceFile.UnitName) }
            : new[] { new[] { "launchctl", "bootout", $"{LaunchdDomain(file)}/{ServiceFile.Label}" } };
        if (parseResult.GetValue(DryRunOption))
        {
            foreach (var command in commands)
            {
                output.WriteLine($"Would run: {string.Join(' ', command)}");
            }
            output.WriteLine($"Would remove {file.Path}");
            return ExitCodes.Ok;
        }
        if (!File.Exists(file.Path))
        {
            output.WriteLine($"Not installed: {file.Path} does not exist.");
            return ExitCodes.Ok;
        }
        SystemCommands.RunAll(commands, output, error); // stopping a service that is not running is not an error here
        File.Delete(file.Path);
        output.WriteLine($"Removed {file.Path}. The data dir was left as it is.");
        if (file.Platform == ServicePlatform.Systemd)
        {
            SystemCommands.RunAll([Systemctl(file, "daemon-reload")], output, error);
        }
        return ExitCodes.Ok;
    }

    private static int Status(CliContext context, ParseResult parseResult)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        var file = Describe(context, parseResult, Environment.ProcessPath ?? "openmotoko");
        var command = file.Platform == ServicePlatform.Systemd
            ? Systemctl(file, "status", "--no-pager", ServiceFile.UnitName)
            : ["launchctl", "print", $"{LaunchdDomain(file)}/{ServiceFile.Label}"];
        if (!File.Exists(file.Path))
        {
            output.WriteLine($"Not installed ({file.Path} does not exist).");
            return parseResult.GetValue(DryRunOption) ? ExitCodes.Ok : ExitCodes.Failure;
        }
        output.WriteLine($"Installed: {file.Path}");
        if (parseResult.GetValue(DryRunOption))
        {
            output.WriteLine($"Would run: {string.Join(' ', command)}");
            return ExitCodes.Ok;
        }
        return SystemCommands.RunAll([command], output, error);
    }

    private static ServiceFile Describe(CliContext context, ParseResult parseResult, string executable)
    {
        var platform = parseResult.GetValue(PlatformOption) ?? (OperatingSystem.IsMacOS() ? ServicePlatform.Launchd : ServicePlatform.Systemd);
        var systemWide = parseResult.GetValue(SystemOption) || (!parseResult.GetValue(UserOption) && Posix.IsRoot);
        var home = context.Environment.Get("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return ServiceFile.Render(platform, systemWide, executable, DataDir(context, parseResult, systemWide), home,
            systemWide && platform == ServicePlatform.Systemd ? ServiceUser.Resolve(parseResult.GetValue(RunAsOption)) : null);
    }

    /// <summary>The dedicated user a system-wide systemd service runs as; null for root and for the other kinds of service.</summary>
    private static string? RunAs(ParseResult parseResult, ServiceFile file) =>
        file.Platform == ServicePlatform.Systemd && file.SystemWide ? ServiceUser.Resolve(parseResult.GetValue(RunAsOption)) : null;

    /// <summary>The running executable, unless it is a host (dotnet, testhost) that would not run `serve`.</summary>
    private static string? ThisBinary() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) is not ("dotnet" or "testhost") ? path : null;

    /// <summary>A system-wide service keeps its data in /var/lib/openmotoko unless told otherwise.</summary>
    private static string DataDir(CliContext context, ParseResult parseResult, bool systemWide) =>
        parseResult.GetValue(DataDirOption) is null && context.Environment.Get("OPENMOTOKO_DATA_DIR") is null && systemWide && !OperatingSystem.IsMacOS()
            ? "/var/lib/openmotoko"
            : DataDirectory.Resolve(parseResult.GetValue(DataDirOption), context.Environment);

    private static string[] Systemctl(ServiceFile file, params string[] arguments) =>
        file.SystemWide ? ["systemctl", .. arguments] : ["systemctl", "--user", .. arguments];

    private static string LaunchdDomain(ServiceFile file) => file.SystemWide ? "system" : $"gui/{GetUid()}";

    private static string GetUid() => Posix.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
