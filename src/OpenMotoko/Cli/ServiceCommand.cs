using System.CommandLine;
using OpenMotoko.Hosting;

namespace OpenMotoko.Cli;

/// <summary>`openmotoko service install|uninstall|status|logs`: a systemd unit on Linux, a launchd job on macOS.</summary>
internal sealed partial class ServiceCommand : Command
{
    private static readonly Option<string?> DataDirOption = CommonOptions.DataDir(recursive: true);

    private static readonly Option<bool> DryRunOption = new("--dry-run")
    {
        Description = "Check everything, then print the files and the commands instead of writing and running them.",
        Recursive = true,
    };

    private static readonly Option<string?> BinaryOption = new("--binary")
    {
        Description = "The openmotoko binary the service runs (default: this one).",
        Recursive = true,
    };

    private static readonly Option<string?> RunAsOption = new("--run-as")
    {
        Description = "systemd, system-wide only: the existing user the daemon runs as (default: openmotoko, created if missing; 'root' keeps root).",
        Recursive = true,
    };

    private static readonly Option<string?> MemoryMaxOption = new("--memory-max")
    {
        Description = $"systemd: the unit's MemoryMax= (default {ServiceFile.DefaultMemoryMax}), e.g. 512M, 2G or infinity.",
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
        foreach (var option in new Option[] { UserOption, SystemOption, DataDirOption, DryRunOption, BinaryOption, RunAsOption, MemoryMaxOption, PlatformOption })
        {
            Options.Add(option);
        }
        var install = new Command("install", "Write the service file and its environment file, then enable and start (or restart) the service.");
        install.SetAction(parseResult => Install(context, parseResult));
        var uninstall = new Command("uninstall", "Stop and disable the service and remove its file; the data dir stays.");
        uninstall.SetAction(parseResult => Uninstall(context, parseResult));
        var status = new Command("status", "Say whether the service is installed and running, with its last log lines. Exits 0 only when it runs.");
        status.SetAction(parseResult => Status(context, parseResult));
        var logs = new Command("logs", "Show the service's log (journalctl -u on systemd).") { FollowOption, LinesOption };
        logs.SetAction((parseResult, cancellationToken) => LogsAsync(context, parseResult, cancellationToken));
        foreach (var subcommand in new[] { install, uninstall, status, logs })
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
        if (ServiceChecks.Binary(parseResult.GetValue(BinaryOption), out var executable) is { } badBinary)
        {
            error.WriteLine($"openmotoko: {badBinary}");
            return ExitCodes.Usage;
        }
        var memoryMax = parseResult.GetValue(MemoryMaxOption) ?? ServiceFile.DefaultMemoryMax;
        var target = Describe(context, parseResult, executable, memoryMax);
        if (ServiceChecks.Refusal(target, executable, parseResult.GetValue(RunAsOption), memoryMax) is { } refusal)
        {
            error.WriteLine($"openmotoko: {refusal}");
            return ExitCodes.Usage;
        }
        if (target.RunAs is { } user && ServiceUser.BinaryNote(user, executable) is { } note)
        {
            error.WriteLine($"openmotoko: {note}");
        }
        var updating = File.Exists(target.File.Path);
        var commands = target.InstallCommands(updating);
        if (parseResult.GetValue(DryRunOption))
        {
            output.WriteLine($"Would write {target.File.Path}:");
            output.Write(target.File.Content);
            if (target.IsSystemd)
            {
                output.WriteLine(File.Exists(target.EnvFile)
                    ? $"Would keep {target.EnvFile} as it is (mode 0600)"
                    : $"Would write {target.EnvFile} (mode 0600) with: {Listed(ServiceEnvironmentFile.Names(context.Environment))}");
            }
            foreach (var command in commands)
            {
                output.WriteLine($"Would run: {string.Join(' ', command)}");
            }
            return ExitCodes.Ok;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target.File.Path)!);
        Storage.PrivateFiles.CreateDirectory(target.DataDir);
        File.WriteAllText(target.File.Path, target.File.Content);
        output.WriteLine($"{(updating ? "Updated" : "Wrote")} {target.File.Path}");
        if (target.IsSystemd)
        {
            output.WriteLine(ServiceEnvironmentFile.Write(target.EnvFile, context.Environment)
                ? $"Wrote {target.EnvFile} (mode 0600) with: {Listed(ServiceEnvironmentFile.Names(context.Environment))}"
                : $"Kept {target.EnvFile} (mode 0600); put secrets there");
        }
        var exit = SystemCommands.RunAll(commands, context.Environment, output, error);
        if (exit == ExitCodes.Ok && target.IsSystemd && !target.File.SystemWide)
        {
            output.WriteLine("To keep it running when you are logged out: loginctl enable-linger $USER");
        }
        return exit;
    }

    private static int Uninstall(CliContext context, ParseResult parseResult)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        var target = Describe(context, parseResult, Environment.ProcessPath ?? "openmotoko", ServiceFile.DefaultMemoryMax);
        if (!File.Exists(target.File.Path))
        {
            output.WriteLine($"Not installed: {target.File.Path} does not exist.");
            return ExitCodes.Ok;
        }
        if (parseResult.GetValue(DryRunOption))
        {
            output.WriteLine($"Would run: {string.Join(' ', target.StopCommand)}");
            output.WriteLine($"Would remove {target.File.Path}");
            if (target.IsSystemd)
            {
                output.WriteLine($"Would run: {string.Join(' ', target.Systemctl("daemon-reload"))}");
            }
            return ExitCodes.Ok;
        }
        SystemCommands.RunAll([target.StopCommand], context.Environment, output, error); // a service that is not running is not an error here
        File.Delete(target.File.Path);
        output.WriteLine($"Removed {target.File.Path}. The data dir {target.DataDir} (database, {ServiceFile.EnvFileName}) was left as it is.");
        return target.IsSystemd ? SystemCommands.RunAll([target.Systemctl("daemon-reload")], context.Environment, output, error) : ExitCodes.Ok;
    }

    private static ServiceTarget Describe(CliContext context, ParseResult parseResult, string executable, string memoryMax)
    {
        var platform = parseResult.GetValue(PlatformOption) ?? (OperatingSystem.IsMacOS() ? ServicePlatform.Launchd : ServicePlatform.Systemd);
        var systemWide = parseResult.GetValue(SystemOption) || (!parseResult.GetValue(UserOption) && Posix.IsRoot);
        var home = context.Environment.Get("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var dataDir = DataDir(context, parseResult, systemWide);
        var runAs = systemWide && platform == ServicePlatform.Systemd ? ServiceUser.Resolve(parseResult.GetValue(RunAsOption)) : null;
        return new ServiceTarget(ServiceFile.Render(platform, systemWide, executable, dataDir, home, runAs, memoryMax), dataDir, runAs);
    }

    /// <summary>A system-wide service keeps its data in /var/lib/openmotoko unless told otherwise.</summary>
    private static string DataDir(CliContext context, ParseResult parseResult, bool systemWide) =>
        parseResult.GetValue(DataDirOption) is null && context.Environment.Get("OPENMOTOKO_DATA_DIR") is null && systemWide && !OperatingSystem.IsMacOS()
            ? "/var/lib/openmotoko"
            : DataDirectory.Resolve(parseResult.GetValue(DataDirOption), context.Environment);

    private static string Listed(IReadOnlyList<string> names) => names.Count == 0 ? "comments only (no secrets were set here)" : string.Join(", ", names);
}
