using OpenMotoko.Agent;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Skills.Files;

/// <summary>The built-in filesystem skill: read, write, edit, list and search files inside the workspace.</summary>
internal static class FilesystemSkill
{
    public const string Id = "filesystem";

    public static IServiceCollection AddFilesystemSkill(this IServiceCollection services)
    {
        services.AddWorkspacePaths();
        services.AddSingleton<IAgentTool, ReadFileTool>();
        services.AddSingleton<IAgentTool, WriteFileTool>();
        services.AddSingleton<IAgentTool, EditFileTool>();
        services.AddSingleton<IAgentTool, ListDirectoryTool>();
        services.AddSingleton<IAgentTool, SearchFilesTool>();
        return services;
    }

    /// <summary>The workspace every skill resolves paths in (the shell skill shares it).</summary>
    public static IServiceCollection AddWorkspacePaths(this IServiceCollection services)
    {
        if (!services.Any(static d => d.ServiceType == typeof(WorkspacePaths)))
        {
            services.AddSingleton(static sp => WorkspacePaths.FromSettings(
                sp.GetRequiredService<SettingsStore>(), sp.GetRequiredService<DaemonOptions>()));
        }
        return services;
    }
}
