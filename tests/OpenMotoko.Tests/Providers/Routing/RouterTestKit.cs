using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Agent;
using OpenMotoko.Providers;
using OpenMotoko.Settings;

namespace OpenMotoko.Tests.Providers.Routing;

/// <summary>Records what the router told it; optionally refuses every call as a budget guard would.</summary>
internal sealed class RecordingObserver(AgentStopException? refuse = null) : ILlmCallObserver
{
    public List<string> Before { get; } = [];
    public List<(string Model, long Input, long Output, decimal Cost, bool Known)> After { get; } = [];

    public ValueTask BeforeCallAsync(LlmCall call, CancellationToken cancellationToken)
    {
        Before.Add($"{call.Provider}/{call.Model}");
        return refuse is null ? ValueTask.CompletedTask : throw refuse;
    }

    public ValueTask AfterCallAsync(LlmCall call, long inputTokens, long outputTokens, decimal cost, bool priceKnown, CancellationToken cancellationToken)
    {
        After.Add(($"{call.Provider}/{call.Model}", inputTokens, outputTokens, cost, priceKnown));
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

    public static async Task<List<RoutedEvent>> RouteAsync(TestApp app, string? model, ChatRequest request, params ILlmCallObserver[] observers)
    {
        var router = app.Services.GetRequiredService<ProviderRouter>();
        var events = new List<RoutedEvent>();
        await foreach (var item in router.StreamWithFallbackAsync(model, request, "conv-1", observers, CancellationToken.None))
        {
            events.Add(item);
        }
        return events;
    }
}
