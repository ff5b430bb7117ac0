using System.ComponentModel;
using System.Text.Json;
using OpenMotoko.Agent;
using OpenMotoko.Providers;
using OpenMotoko.Skills.Files;

namespace OpenMotoko.Skills.Shell;

/// <summary>execute_command: runs a command in the workspace and answers {exitCode, stdout, stderr, timedOut} as JSON.</summary>
internal sealed class ExecuteCommandTool(WorkspacePaths workspace, Func<ShellSandbox> sandbox, Func<ShellPolicy> policy, TimeProvider time) : IAgentTool
{
    public const int DefaultTimeoutMs = 30_000;
    public const int MaxTimeoutMs = 10 * 60 * 1000;
    private const int MaxCommandLength = 64 * 1024;

    private static readonly ToolDefinition Tool = new("execute_command",
        "Runs a shell command in the workspace and returns {exitCode, stdout, stderr, timedOut}. Output is capped at 64 KiB per stream; the default timeout is 30 s (at most 10 min).",
        ToolArguments.Schema("""
        {"type":"object","properties":{
          "command":{"type":"string","description":"The command line to run"},
          "cwd":{"type":"string","description":"Working folder, relative to the workspace (default: the workspace)"},
          "timeoutMs":{"type":"integer","minimum":1,"maximum":600000,"description":"Timeout in milliseconds (default 30000)"}},
         "required":["command"],"additionalProperties":false}
        """));

    private readonly CommandRunner _runner = new(time);

    public string SkillId => ShellSkill.Id;
    public ToolDefinition Definition => Tool;
    public bool ChangesState => true;

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var args = new ToolArguments(invocation.Arguments);
        var command = args.String("command");
        var rawCwd = args.String("cwd", required: false) ?? ".";
        var timeoutMs = args.Integer("timeoutMs", 1, MaxTimeoutMs) ?? DefaultTimeoutMs;
        if (args.Error is { } bad)
        {
            return ToolOutcome.Error(bad);
        }
        if (string.IsNullOrWhiteSpace(command) || command.Length > MaxCommandLength)
        {
            return ToolOutcome.Error($"'command' must be non-empty and at most {MaxCommandLength} characters");
        }
        if (workspace.Resolve(rawCwd, out var error) is not { } cwd)
        {
            return ToolOutcome.Error(error);
        }
        if (!Directory.Exists(cwd.FullPath))
        {
            return ToolOutcome.Error($"cwd '{cwd.RelativePath}' is not an existing folder in the workspace");
        }
        var current = policy();
        var confinement = sandbox();
        if (!confinement.IsActive && !current.Unsandboxed)
        {
            return ToolOutcome.Error(ShellSkill.NoSandbox(confinement));
        }
        var argv = current.Allow.Count > 0 ? Allowlisted(command, current.Allow, out error) : ["/bin/sh", "-c", command];
        if (argv is null)
        {
            return ToolOutcome.Error(error);
        }
        var root = workspace.Root;
        argv = confinement.Wrap(argv, root, cwd.FullPath, current.Network, workspace.DataDir, workspace.DatabasePath);
        try
        {
            var result = await _runner.RunAsync(argv, cwd.FullPath, ShellPolicy.Environment(root, cwd.FullPath),
                TimeSpan.FromMilliseconds(timeoutMs), cancellationToken);
            return ToolOutcome.Ok(JsonSerializer.Serialize(result, ShellJsonContext.Default.CommandResult));
        }
        catch (Win32Exception e)
        {
            return ToolOutcome.Error($"the command could not be started: {e.Message}");
        }
    }

    /// <summary>
    /// Allowlist mode: argv from the strict parser, argv[0] a listed program name found on PATH, run without
    /// a shell, and neither a program nor options that would start another program.
    /// </summary>
    private static IReadOnlyList<string>? Allowlisted(string command, IReadOnlyList<string> allow, out string error)
    {
        if (AllowlistCommand.Parse(command, out error) is not { } words)
        {
            return null;
        }
        var program = words[0];
        if (program.Contains('/', StringComparison.Ordinal))
        {
            error = $"give the program by name, not by path ('{program}'); allowed programs: {string.Join(", ", allow)}";
            return null;
        }
        if (!allow.Contains(program, StringComparer.Ordinal))
        {
            error = $"'{program}' is not in skills.shell.allow; allowed programs: {string.Join(", ", allow)}";
            return null;
        }
        if (AllowlistGuard.Refusal(words) is { } refusal)
        {
            error = refusal;
            return null;
        }
        if (Executables.Find(program, Executables.SearchPath) is not { } resolved)
        {
            error = $"'{program}' is allowed but was not found on PATH";
            return null;
        }
        return AllowlistGuard.Harden(resolved, words);
    }
}
