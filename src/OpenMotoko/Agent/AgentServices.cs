using OpenMotoko.Agent.Delegation;
using OpenMotoko.Events;
using OpenMotoko.Hosting;

namespace OpenMotoko.Agent;

internal static class AgentServices
{
    /// <summary>The turn service, the agent loop and its runs, and the built-in get_current_time tool. Which tools may run
    /// is decided by the registered <see cref="IToolPolicy"/> instances (the skills' policy).</summary>
    public static IServiceCollection AddAgent(this IServiceCollection services)
    {
        services.AddSingleton<AgentPrompt>();
        services.AddSingleton<ToolRunner>();
        services.AddSingleton<AgentLoop>();
        services.AddSingleton<AgentRuns>();
        services.AddHostedService(static sp => sp.GetRequiredService<AgentRuns>());
        services.AddSingleton<IEventSubscriber>(static sp => sp.GetRequiredService<AgentRuns>()); // each run's own stream
        services.AddSingleton<TurnService>();
        services.AddSingleton<IAgentTool, CurrentTimeTool>();
        services.AddDelegation();
        services.AddJsonContext(AgentJsonContext.Default);
        return services;
    }
}
