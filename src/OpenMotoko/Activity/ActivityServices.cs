using OpenMotoko.Events;
using OpenMotoko.Hosting;

namespace OpenMotoko.Activity;

internal static class ActivityServices
{
    /// <summary>The activity log (a subscriber of the bus that stores what happened, redacted), the live feed it announces to, and their JSON.</summary>
    public static IServiceCollection AddActivity(this IServiceCollection services)
    {
        services.AddSingleton<SecretRedactor>();
        services.AddSingleton(new LiveFeedLimits());
        services.AddSingleton<LiveFeed>();
        services.AddSingleton<ActivityLog>();
        services.AddSingleton<IEventSubscriber>(static provider => provider.GetRequiredService<ActivityLog>());
        services.AddJsonContext(ActivityJsonContext.Default);
        return services;
    }
}
