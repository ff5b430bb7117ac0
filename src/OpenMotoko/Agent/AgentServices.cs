using OpenMotoko.Conversations;

namespace OpenMotoko.Agent;

internal static class AgentServices
{
    /// <summary>Conversations, the agent loop and its runs, and the built-in get_current_time tool. Which tools may run
    /// is decided by the registered <see cref="IToolPolicy"/> instances (the skills' policy).</summary>
    public static IServiceCollection AddAgent(this IServiceCollection services)
    {
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<AgentPrompt>();
        services.AddSingleton<AgentActivity>();
        services.AddSingleton<ToolRunner>();
        services.AddSingleton<AgentLoop>();
        services.AddSingleton<AgentRuns>();
        services.AddHostedService(sp => sp.GetRequiredService<AgentRuns>());
        services.AddSingleton<IAgentTool, CurrentTimeTool>();
        return services;
    }

    public static void MapAgent(this IEndpointRouteBuilder routes)
    {
        routes.MapConversations();
        routes.MapAgents();
    }
}
