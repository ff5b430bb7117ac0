using OpenMotoko.Agent;
using OpenMotoko.Approvals;
using OpenMotoko.Skills.Instructions;
using OpenMotoko.Skills.Memory;

namespace OpenMotoko.Skills;

internal static class SkillsServices
{
    /// <summary>The skill catalog, the tool policy (replacing the agent loop's open fallback), approvals, memory and instruction skills.</summary>
    public static IServiceCollection AddSkills(this IServiceCollection services)
    {
        services.AddSingleton<SkillStateStore>();
        services.AddSingleton<SkillModes>();
        services.AddSingleton<InstructionSkillLibrary>();
        services.AddSingleton<SkillCatalog>();
        services.AddSingleton<ApprovalBroker>();
        services.AddSingleton<IToolPolicy, SkillToolPolicy>();

        services.AddSingleton<MemoryStore>();
        services.AddSingleton<IAgentTool, RememberTool>();
        services.AddSingleton<IAgentTool, RecallTool>();
        services.AddSingleton<IAgentTool, ForgetTool>();
        services.AddSingleton<ISystemPromptContributor, MemoryPromptContributor>();

        services.AddSingleton<IAgentTool, LoadSkillTool>();
        services.AddSingleton<ISystemPromptContributor, InstructionPromptContributor>();
        return services;
    }
}
