using OpenMotoko.Agent;
using OpenMotoko.Settings;
using OpenMotoko.Skills.Files;

namespace OpenMotoko.Skills.Shell;

/// <summary>
/// The built-in shell skill: execute_command in the workspace, inside bubblewrap (Linux) or sandbox-exec
/// (macOS); where neither works it refuses to run commands unless the owner allows them unconfined.
/// </summary>
internal static class ShellSkill
{
    public const string Id = "shell";

    public static IServiceCollection AddShellSkill(this IServiceCollection services)
    {
        services.AddWorkspacePaths();
        services.AddSingleton<IAgentTool>(static sp =>
        {
            var settings = sp.GetRequiredService<SettingsStore>();
            return new ExecuteCommandTool(sp.GetRequiredService<WorkspacePaths>(), ShellSandbox.Detect, // probed on the first command, not at start-up
                () => ShellPolicy.From(settings), sp.GetRequiredService<TimeProvider>());
        });
        return services;
    }

    /// <summary>What the model hears when there is no sandbox and the owner has not allowed commands to run without one.</summary>
    public static string NoSandbox(ShellSandbox sandbox) =>
        $"The shell runs commands only inside a sandbox, and this machine has none ({sandbox.Status}). " +
        "Ask the owner to install bubblewrap (apt-get install bubblewrap), or to set skills.shell.unsandboxed to true " +
        "to run commands unconfined, with the daemon's own access to its files.";

    /// <summary>The skill's risk for GET /api/skills: critical once the owner lets commands run unconfined.</summary>
    public static string Risk(SettingsStore settings, string manifestRisk) =>
        ShellPolicy.AllowsUnsandboxed(settings) ? "critical" : manifestRisk;

    /// <summary>
    /// `openmotoko doctor`'s lines about the shell, from the same sandbox probe and setting the tool obeys:
    /// (true, text) is fine, (false, text) a warning.
    /// </summary>
    public static IEnumerable<(bool Ok, string Text)> Diagnose(SettingsStore settings)
    {
        var sandbox = ShellSandbox.Detect();
        var unsandboxed = ShellPolicy.AllowsUnsandboxed(settings);
        if (sandbox.IsActive)
        {
            yield return (true, $"shell sandbox {sandbox.Status}");
            if (unsandboxed)
            {
                yield return (false, "skills.shell.unsandboxed is true: should the sandbox stop working, commands would run unconfined");
            }
        }
        else if (unsandboxed)
        {
            yield return (false, $"shell sandbox {sandbox.Status}; skills.shell.unsandboxed is true, so commands run unconfined with the daemon's " +
                "access to its data dir and database (install bubblewrap: apt-get install bubblewrap)");
        }
        else
        {
            yield return (false, $"shell sandbox {sandbox.Status}; the shell refuses to run commands until bubblewrap is installed " +
                "(apt-get install bubblewrap) or skills.shell.unsandboxed is set to true");
        }
    }
}
