namespace OpenMotoko.Events;

internal static class EventsServices
{
    /// <summary>The event bus every feature publishes on and subscribes to.</summary>
    public static IServiceCollection AddEvents(this IServiceCollection services)
    {
        services.AddSingleton<EventBus>();
        return services;
    }
}
