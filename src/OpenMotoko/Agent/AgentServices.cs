using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenMotoko.Conversations;

namespace OpenMotoko.Agent;

internal static class AgentServices
{
    /// <summary>Conversations, the agent loop and its runs, the built-in get_current_time tool, and an open tool policy
    /// for when no other policy is registered.</summary>
    public static IServiceCollection AddAgent(this IServiceCollection services)
    {
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<AgentPrompt>();
        services.AddSingleton<AgentActivity>();
        services.AddSingleton<ToolRunner>();
        services.AddSingleton<AgentLoop>();
        services.AddSingleton<AgentRuns>();
        services.AddHostedService(sp => sp.GetRequiredService<AgentRuns>());
        services.TryAddSingleton<IToolPolicy, OpenToolPolicy>();
        services.AddSingleton<IAgentTool, CurrentTimeTool>();
        return services;
    }

    public static void MapAgent(this IEndpointRouteBuilder routes)
    {
        routes.MapConversations();
        routes.MapAgents();
    }
}
