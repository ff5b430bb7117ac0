using System.CommandLine;
using OpenMotoko.Hosting;

namespace OpenMotoko.Cli;

/// <summary>
/// What a command may read besides its arguments; tests pass their own. <paramref name="OwnsProcess"/>:
/// the command line is the whole process (not a test host), so `serve` may harden it.
/// </summary>
internal sealed record CliContext(EnvironmentSnapshot Environment, TextReader Input, bool InputIsRedirected, bool OwnsProcess = false);

/// <summary>Exit codes of every command.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int StartupFailed = 3;
}

internal static partial class OpenMotokoCli
{
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("OpenMotoko: your personal AI agent, one native binary.")
        {
            new ServeCommand(context),
            new VersionCommand(),
            new PasswdCommand(context),
            new UnlockCommand(context),
            new DoctorCommand(context),
            new BackupCommand(context),
            new RestoreCommand(context),
            new ConfigCommand(context),
            new ServiceCommand(context),
            new PairingCommand(context),
        };
        foreach (var version in root.Options.OfType<VersionOption>())
        {
            version.Action = new VersionFlagAction(); // one answer, whichever way the version is asked for
        }
        foreach (var help in root.Options.OfType<System.CommandLine.Help.HelpOption>())
        {
            // The default width asks Console.WindowWidth, which on a terminal first writes terminfo's keypad escape (ESC[?1h ESC=).
            help.Action = new System.CommandLine.Help.HelpAction { MaxWidth = HelpWidth(context) };
        }
        return root;
    }

    /// <summary>$COLUMNS when the shell exports it, else a common terminal width; no wrapping into a file or pipe.</summary>
    private static int HelpWidth(CliContext context) =>
        int.TryParse(context.Environment.Get("COLUMNS"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var columns)
        && columns >= 40 ? columns : Console.IsOutputRedirected ? int.MaxValue : 100;

    /// <summary>"openmotoko config set": the command a usage error is about, so its own help is named.</summary>
    private static string CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? current = result; current is System.CommandLine.Parsing.CommandResult command; current = command.Parent)
        {
            if (command.Command is not RootCommand)
            {
                names.Insert(0, command.Command.Name);
            }
        }
        return string.Join(' ', ["openmotoko", .. names]);
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, TextWriter? output = null, TextWriter? error = null)
    {
        var configuration = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
            // The host handles SIGTERM/SIGINT itself and shuts down gracefully.
            ProcessTerminationTimeout = null,
            // Commands report their own errors; anything else is a bug, shown without a stack trace.
            EnableDefaultExceptionHandler = false,
        };
        // Bare `openmotoko` shows what it can do rather than an error.
        var parseResult = Build(context).Parse(args.Length == 0 ? ["--help"] : args);
        if (parseResult.Errors.Count > 0)
        {
            var errors = parseResult.Errors.Select(e => FriendlyTypes(e.Message)).ToList();
            if (errors.Count > 1)
            {
                errors.RemoveAll(m => m.StartsWith("Required command was not provided", StringComparison.Ordinal));
            }
            foreach (var message in errors)
            {
                configuration.Error.WriteLine($"error: {message}");
            }
            configuration.Error.WriteLine($"Run '{CommandPath(parseResult.CommandResult)} --help' to see {(parseResult.CommandResult.Command is RootCommand ? "the commands and their" : "its")} options.");
            return ExitCodes.Usage;
        }
        try
        {
            return await parseResult.InvokeAsync(configuration);
        }
        catch (Exception ex)
        {
            configuration.Error.WriteLine($"openmotoko: unexpected error ({ex.GetType().Name}): {ex.Message}");
            if (context.Environment.Get("OPENMOTOKO_DEBUG") is not null)
            {
                configuration.Error.WriteLine(ex.ToString());
            }
            return ExitCodes.Failure;
        }
    }
}

internal static partial class OpenMotokoCli
{
    /// <summary>Parse errors name .NET types ("System.Nullable`1[System.Int32]"); say what the user should give instead.</summary>
    private static string FriendlyTypes(string message) => ExpectedType().Replace(message, match => match.Groups[1].Value switch
    {
        var t when t.Contains("Int32", StringComparison.Ordinal) || t.Contains("Int64", StringComparison.Ordinal) => "as a whole number",
        var t when t.Contains("Boolean", StringComparison.Ordinal) => "as true or false",
        var t when t.Contains("ServicePlatform", StringComparison.Ordinal) => "as systemd or launchd",
        _ => "",
    });

    [System.Text.RegularExpressions.GeneratedRegex(@"as expected type '([^']*)'")]
    private static partial System.Text.RegularExpressions.Regex ExpectedType();
}

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string?> DataDir(bool recursive = false) => new("--data-dir", "-d")
    {
        Description = "Data directory (default: $OPENMOTOKO_DATA_DIR, else $XDG_DATA_HOME/openmotoko, else ~/.local/share/openmotoko; on macOS ~/Library/Application Support/OpenMotoko).",
        Recursive = recursive,
    };
}
