using System.Collections.Concurrent;

namespace OpenMotoko.Providers;

/// <summary>
/// Remembers, for <see cref="AskAgainAfter"/> on the injected clock, a provider whose server could not be
/// reached when asked for its models (typically an Ollama that is not running), so /api/models and /v1/models
/// ask it once and log one warning instead of one per request. A success forgets it at once.
/// </summary>
internal sealed partial class ProviderReachability(TimeProvider time, ILogger<ProviderReachability> logger)
{
    public static readonly TimeSpan AskAgainAfter = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Down> _down = new(StringComparer.Ordinal);

    /// <summary>Why the provider could not be reached, while that is recent enough to be believed without asking again.</summary>
    public string? KnownUnreachable(string providerId) =>
        _down.TryGetValue(providerId, out var down) && down.AskAgainAt > time.GetUtcNow() ? down.Problem : null;

    public void Failed(string providerId, string problem)
    {
        var entry = new Down(problem, time.GetUtcNow() + AskAgainAfter);
        if (_down.TryAdd(providerId, entry))
        {
            LogUnreachable(logger, providerId, problem, AskAgainAfter.TotalSeconds);
            return;
        }
        _down[providerId] = entry; // still down: asked again after the wait, said nothing new
    }

    public void Reached(string providerId)
    {
        if (_down.TryRemove(providerId, out _))
        {
            Reachable(logger, providerId);
        }
    }

    private sealed record Down(string Problem, DateTimeOffset AskAgainAt);

    [LoggerMessage(EventId = 1230, EventName = "ProviderUnreachable", Level = LogLevel.Warning,
        Message = "Provider {Provider} cannot be reached: {Problem} (shown as unreachable in /api/models; asked again at most every {Seconds} s, logged again only after it was reached)")]
    private static partial void LogUnreachable(ILogger logger, string provider, string problem, double seconds);

    [LoggerMessage(EventId = 1231, EventName = "ProviderReachableAgain", Level = LogLevel.Information, Message = "Provider {Provider} can be reached again")]
    private static partial void Reachable(ILogger logger, string provider);
}
