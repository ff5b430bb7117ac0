using OpenMotoko.Agent;
using OpenMotoko.Hosting;
using OpenMotoko.Skills.Instructions;
using OpenMotoko.Skills.Memory;

namespace OpenMotoko.Skills;

internal static class SkillsServices
{
    /// <summary>The skill catalog, the tool policy, memory and instruction skills, and the skills API's JSON.</summary>
    public static IServiceCollection AddSkills(this IServiceCollection services)
    {
        services.AddSingleton<SkillStateStore>();
        services.AddSingleton<SkillModes>();
        services.AddSingleton<InstructionSkillLibrary>();
        services.AddSingleton<SkillCatalog>();
        services.AddSingleton<IToolPolicy, SkillToolPolicy>();

        services.AddSingleton<MemoryStore>();
        services.AddSingleton<IAgentTool, RememberTool>();
        services.AddSingleton<IAgentTool, RecallTool>();
        services.AddSingleton<IAgentTool, ForgetTool>();
        services.AddSingleton<ISystemPromptContributor, MemoryPromptContributor>();

        services.AddSingleton<IAgentTool, LoadSkillTool>();
        services.AddSingleton<ISystemPromptContributor, InstructionPromptContributor>();
        services.AddJsonContext(SkillsJsonContext.Default);
        return services;
    }
}
