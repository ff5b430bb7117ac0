using OpenMotoko.Agent;
using OpenMotoko.Settings;
using OpenMotoko.Skills.Files;

namespace OpenMotoko.Skills.Shell;

/// <summary>The built-in shell skill: execute_command in the workspace, sandboxed by bubblewrap where available.</summary>
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
}
