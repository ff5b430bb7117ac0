using OpenMotoko.Activity;
using OpenMotoko.Agent;

namespace OpenMotoko.Costs;

/// <summary>Wires costs, the budget guard and the activity log into the daemon.</summary>
internal static class CostsServices
{
    public static IServiceCollection AddCostsAndActivity(this IServiceCollection services)
    {
        services.AddSingleton<CostCalendar>();
        services.AddSingleton<UsageStore>();
        services.AddSingleton<BudgetGuard>();
        services.AddSingleton<ILlmCallObserver>(static provider => provider.GetRequiredService<BudgetGuard>());
        services.AddSingleton<SecretRedactor>();
        services.AddSingleton<ActivityLog>();
        services.AddSingleton<IActivitySink>(static provider => provider.GetRequiredService<ActivityLog>());
        return services;
    }

    public static IEndpointRouteBuilder MapCostsAndActivity(this IEndpointRouteBuilder routes)
    {
        routes.MapCosts();
        routes.MapActivity();
        return routes;
    }
}
