using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace OpenMotoko.Providers;

/// <summary>
/// One provider in GET /api/models; <see cref="Error"/> says why its list is empty when asking it failed, and
/// <see cref="Reachable"/> is false when its server could not be reached at all (connection refused, timeout).
/// </summary>
internal sealed record ProviderModels(
    string Id,
    string Name,
    bool Configured,
    IReadOnlyList<ModelInfo> Models,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    bool Reachable = true);

internal sealed record ModelsResponse(IReadOnlyList<ProviderModels> Providers);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ModelsResponse))]
internal sealed partial class ModelsJsonContext : JsonSerializerContext;

internal static partial class ModelsApi
{
    /// <summary>How long one provider may take to list its models before it is shown with an error instead.</summary>
    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(8);

    private static readonly string[] Order = ["anthropic", "openai", "google", "ollama", "generic"];

    public static RouteHandlerBuilder MapModels(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/models", GetModels);

    private static async Task<Ok<ModelsResponse>> GetModels(
        [FromServices] IEnumerable<ILlmProvider> providers, [FromServices] TimeProvider time, [FromServices] ProviderReachability reachability, [FromServices] ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("OpenMotoko.Providers.Models");
        var ordered = providers
            .OrderBy(p => Array.IndexOf(Order, p.Id) is var rank and >= 0 ? rank : Order.Length)
            .ThenBy(p => p.Id, StringComparer.Ordinal);
        var listed = await Task.WhenAll(ordered.Select(p => DescribeAsync(p, time, reachability, logger, cancellationToken)));
        return TypedResults.Ok(new ModelsResponse(listed));
    }

    /// <summary>Lists everything the models API and /v1/models show; a provider that fails gets an empty list and an error.</summary>
    public static async Task<ProviderModels> DescribeAsync(
        ILlmProvider provider, [FromServices] TimeProvider time, [FromServices] ProviderReachability reachability, ILogger logger, CancellationToken cancellationToken)
    {
        if (reachability.KnownUnreachable(provider.Id) is { } down)
        {
            return new ProviderModels(provider.Id, provider.Name, provider.IsConfigured, [], down, Reachable: false);
        }
        using var timeout = new CancellationTokenSource(ListTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var models = await provider.ListModelsAsync(linked.Token);
            reachability.Reached(provider.Id);
            return new ProviderModels(provider.Id, provider.Name, provider.IsConfigured, models);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            var problem = $"{provider.Name} did not list its models within {ListTimeout.TotalSeconds:0} s.";
            reachability.Failed(provider.Id, problem);
            return new ProviderModels(provider.Id, provider.Name, provider.IsConfigured, [], problem, Reachable: false);
        }
        catch (Exception ex) when (ex is HttpRequestException || ex.InnerException is HttpRequestException)
        {
            reachability.Failed(provider.Id, ex.Message);
            return new ProviderModels(provider.Id, provider.Name, provider.IsConfigured, [], ex.Message, Reachable: false);
        }
        catch (Exception ex) when (ex is LlmException or JsonException or InvalidOperationException)
        {
            Log.ListFailed(logger, provider.Id, ex.Message);
            return new ProviderModels(provider.Id, provider.Name, provider.IsConfigured, [], ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1232, EventName = "ModelListFailed", Level = LogLevel.Warning, Message = "Listing the models of {Provider} failed: {Reason}")]
        public static partial void ListFailed(ILogger logger, string provider, string reason);
    }
}
