using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenMotoko.Events;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;
using OpenMotoko.Settings;

namespace OpenMotoko.Tests.Providers.Routing;

/// <summary>Records each attempt the router asked the gates about, and each priced call it published; optionally refuses every call as a budget guard would.</summary>
internal sealed class RecordingObserver(ApiException? refuse = null) : ILlmCallGate, IEventSubscriber
{
    public List<string> Before { get; } = [];
    public List<(string Model, long Input, long Output, decimal Cost, bool Known)> After { get; } = [];

    public ValueTask<IDisposable?> BeforeCallAsync(LlmCall call, CancellationToken cancellationToken)
    {
        Before.Add($"{call.Provider}/{call.Model}");
        return refuse is null ? ValueTask.FromResult<IDisposable?>(null) : throw refuse;
    }

    public ValueTask OnEventAsync(AgentEvent e)
    {
        if (e is LlmCompleted call)
        {
            After.Add(($"{call.Provider}/{call.Model}", call.InputTokens, call.OutputTokens, call.Cost, call.PriceKnown));
        }
        return ValueTask.CompletedTask;
    }
}

internal static class RouterTestKit
{
    public static async Task SetAsync(TestApp app, string json) =>
        await app.Services.GetRequiredService<SettingsStore>().ApplyAsync(JsonDocument.Parse(json).RootElement);

    /// <summary>Runs the task while moving the daemon's clock on, so retry back-offs elapse without real waiting.</summary>
    public static async Task<T> DriveClockAsync<T>(TestApp app, Task<T> task)
    {
        while (!task.IsCompleted)
        {
            app.Time.Advance(TimeSpan.FromSeconds(10));
            await Task.WhenAny(task, Task.Delay(20));
        }
        return await task;
    }

    /// <summary>
    /// Routes one call as a turn would (the model resolved once), through a router whose only gates are
    /// <paramref name="observers"/>; they also hear the bus while it runs.
    /// </summary>
    public static async Task<List<RoutedEvent>> RouteAsync(TestApp app, string? model, ChatRequest request, params RecordingObserver[] observers)
    {
        var services = app.Services;
        var bus = services.GetRequiredService<EventBus>();
        var router = new ProviderRouter(services.GetRequiredService<ModelSelector>(), services.GetRequiredService<SettingsStore>(), observers, bus,
            services.GetRequiredService<ILogger<ProviderRouter>>());
        var listening = observers.Select(bus.Subscribe).ToList();
        try
        {
            var events = new List<RoutedEvent>();
            await foreach (var item in Stream(app, model, request, router))
            {
                events.Add(item);
            }
            return events;
        }
        finally
        {
            listening.ForEach(subscription => subscription.Dispose());
        }
    }

    /// <summary>The daemon's own router (its real gates) streaming one call for conversation conv-1.</summary>
    public static IAsyncEnumerable<RoutedEvent> Stream(TestApp app, string? model, ChatRequest request, ProviderRouter? router = null) =>
        (router ?? app.Services.GetRequiredService<ProviderRouter>())
            .StreamAsync(app.Services.GetRequiredService<ModelSelector>().Resolve(model), request, new EventScope(null, "conv-1", "test"), CancellationToken.None);
}
