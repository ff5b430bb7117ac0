using OpenMotoko.Events;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;

namespace OpenMotoko.Costs;

internal static class CostsServices
{
    /// <summary>Usage records, the budget guard (a gate before each LLM call, a subscriber after it) and the costs API's JSON.</summary>
    public static IServiceCollection AddCosts(this IServiceCollection services)
    {
        services.AddSingleton<CostCalendar>();
        services.AddSingleton<UsageStore>();
        services.AddSingleton<BudgetGuard>();
        services.AddSingleton<ILlmCallGate>(static provider => provider.GetRequiredService<BudgetGuard>());
        services.AddSingleton<IEventSubscriber>(static provider => provider.GetRequiredService<BudgetGuard>());
        services.AddJsonContext(CostsJsonContext.Default);
        return services;
    }
}
