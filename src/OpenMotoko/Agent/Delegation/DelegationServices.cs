using OpenMotoko.Events;
using OpenMotoko.Providers;

namespace OpenMotoko.Agent.Delegation;

internal static class DelegationServices
{
    /// <summary>The supervisor of every run (agent_runs), the sub-agents' budget gate and the delegate skill's tools.</summary>
    public static IServiceCollection AddDelegation(this IServiceCollection services)
    {
        services.AddSingleton<AgentRunStore>();
        services.AddSingleton<AgentSupervisor>();
        services.AddSingleton<IEventSubscriber>(static sp => sp.GetRequiredService<AgentSupervisor>());
        services.AddSingleton<ILlmCallGate, SubAgentBudgetGate>();
        services.AddHostedService<InterruptedRuns>();
        services.AddSingleton<IAgentTool, SpawnAgentTool>();
        services.AddSingleton<IAgentTool, WaitAgentsTool>();
        services.AddSingleton<IAgentTool, CancelAgentTool>();
        return services;
    }
}

/// <summary>At start-up, before requests are served: marks the runs a previous process left behind as failed (restart).</summary>
internal sealed class InterruptedRuns(AgentSupervisor supervisor) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => supervisor.MarkInterruptedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
