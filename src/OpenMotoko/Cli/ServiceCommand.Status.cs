using System.CommandLine;

namespace OpenMotoko.Cli;

/// <summary>`service status` and `service logs`.</summary>
internal sealed partial class ServiceCommand
{
    private const int StatusLogLines = 10;

    private static readonly Option<bool> FollowOption = new("--follow", "-f") { Description = "Keep printing new lines until Ctrl+C." };

    private static readonly Option<int> LinesOption = new("--lines", "-n") { Description = "How many of the last lines to show.", DefaultValueFactory = _ => 100 };

    /// <summary>Exit 0: installed and running. Exit 1: not installed, not running, or the service manager could not say.</summary>
    private static int Status(CliContext context, ParseResult parseResult)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var target = Describe(context, parseResult, Environment.ProcessPath ?? "openmotoko", ServiceFile.DefaultMemoryMax);
        if (!File.Exists(target.File.Path))
        {
            output.WriteLine($"Not installed ({target.File.Path} does not exist). Install it with: openmotoko service install");
            return ExitCodes.Failure;
        }
        output.WriteLine($"Installed: {target.File.Path}");
        var logs = target.LogsCommand(follow: false, StatusLogLines);
        if (parseResult.GetValue(DryRunOption))
        {
            output.WriteLine($"Would run: {string.Join(' ', target.StateCommand)}");
            output.WriteLine($"Would run: {string.Join(' ', logs)}");
            return ExitCodes.Ok;
        }
        var (exit, text) = SystemCommands.Capture(target.StateCommand, context.Environment, TimeSpan.FromSeconds(10));
        var state = exit < 0 ? "unknown" : target.IsSystemd ? FirstLine(text) : LaunchdState(exit, text);
        output.WriteLine($"State: {state}");
        var (_, lines) = SystemCommands.Capture(logs, context.Environment, TimeSpan.FromSeconds(10));
        if (lines.Length > 0)
        {
            output.WriteLine($"Last log lines ({string.Join(' ', logs)}):");
            output.Write(lines.EndsWith('\n') ? lines : lines + "\n");
        }
        if (state != "active" && state != "running")
        {
            output.WriteLine(state == "unknown"
                ? $"Could not ask {target.StateCommand[0]}: is it installed and on PATH?"
                : $"Not running. See the log: openmotoko service logs{(target.File.SystemWide ? " --system" : "")}");
            return ExitCodes.Failure;
        }
        return ExitCodes.Ok;
    }

    private static async Task<int> LogsAsync(CliContext context, ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var target = Describe(context, parseResult, Environment.ProcessPath ?? "openmotoko", ServiceFile.DefaultMemoryMax);
        var command = target.LogsCommand(parseResult.GetValue(FollowOption), Math.Max(1, parseResult.GetValue(LinesOption)));
        if (parseResult.GetValue(DryRunOption))
        {
            output.WriteLine($"Would run: {string.Join(' ', command)}");
            return ExitCodes.Ok;
        }
        return await SystemCommands.StreamAsync(command, context.Environment, output, parseResult.InvocationConfiguration.Error, cancellationToken);
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim() is { Length: > 0 } line ? line : "unknown";

    /// <summary>`launchctl print` exits non-zero for a job that is not loaded; a loaded one says "state = running" or another state.</summary>
    private static string LaunchdState(int exit, string text)
    {
        if (exit != 0)
        {
            return "not loaded";
        }
        var state = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("state = ", StringComparison.Ordinal));
        return state is null ? "loaded" : state["state = ".Length..];
    }
}
