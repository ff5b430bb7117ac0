using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using OpenMotoko.Agent;
using OpenMotoko.Settings;

namespace OpenMotoko.Providers;

/// <summary>One streamed event and the provider and model that actually produced it (a fallback may have answered).</summary>
internal sealed record RoutedEvent(ChatStreamEvent Event, string Provider, string Model);

/// <summary>
/// Streams a model call through the chosen provider and, when it fails with a retryable error
/// (after the HTTP pipeline's own retries) before any text or tool call came out, through each of
/// llm.fallbacks in turn. Once output has started nothing is retried. Every attempt is shown to the
/// observers: the budget guard before it, the usage recorder after it (when it produced usage).
/// </summary>
internal sealed partial class ProviderRouter(ModelSelector selector, SettingsStore settings, ILogger<ProviderRouter> logger)
{
    public ModelSelector Selector => selector;

    /// <param name="model">What the person asked for (alias, provider/model, bare id; null for the default).</param>
    /// <param name="request">The call; its <see cref="ChatRequest.Model"/> is replaced per attempt.</param>
    /// <param name="conversationId">Recorded with each call ("" when there is none, e.g. /v1).</param>
    /// <param name="observers">Told before and after every attempt; may refuse with <see cref="AgentStopException"/>.</param>
    public async IAsyncEnumerable<RoutedEvent> StreamWithFallbackAsync(
        string? model,
        ChatRequest request,
        string conversationId,
        IEnumerable<ILlmCallObserver> observers,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watchers = observers as IReadOnlyList<ILlmCallObserver> ?? [.. observers];
        var primary = selector.Resolve(model);
        LlmException? firstFailure = null;
        foreach (var choice in Chain(primary))
        {
            var call = new LlmCall(conversationId, choice.Provider.Id, choice.Model);
            foreach (var observer in watchers)
            {
                await observer.BeforeCallAsync(call, cancellationToken);
            }

            var outputStarted = false;
            var finished = false;
            UsageReport? usage = null;
            LlmException? failure = null;
            await using (var events = choice.Provider.StreamAsync(request with { Model = choice.Model }, cancellationToken).GetAsyncEnumerator(cancellationToken))
            {
                while (true)
                {
                    try
                    {
                        if (!await events.MoveNextAsync())
                        {
                            break;
                        }
                    }
                    catch (LlmException ex)
                    {
                        failure = ex;
                        break;
                    }
                    var current = events.Current;
                    switch (current)
                    {
                        case TextDelta or ToolCallReady:
                            outputStarted = true;
                            break;
                        case UsageReport report:
                            usage = report;
                            break;
                        case StreamFinished:
                            finished = true;
                            break;
                    }
                    yield return new RoutedEvent(ToolCallArguments.Limit(current), choice.Provider.Id, choice.Model);
                }
            }

            if (finished || usage is not null)
            {
                var input = usage?.InputTokens ?? 0;
                var output = usage?.OutputTokens ?? 0;
                var priced = ModelPricing.Price(choice.Provider.Id, choice.Model, input, output);
                foreach (var observer in watchers)
                {
                    await observer.AfterCallAsync(call, input, output, priced.Cost, priced.PriceKnown, cancellationToken);
                }
            }
            if (failure is null)
            {
                yield break;
            }
            firstFailure ??= failure;
            if (outputStarted || !failure.Retryable)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
            Log.FallingBack(logger, choice.Qualified, failure.Message);
        }
        ExceptionDispatchInfo.Throw(firstFailure!);
    }

    /// <summary>The primary choice, then each configured fallback that resolves, without repeats.</summary>
    private IEnumerable<ModelChoice> Chain(ModelChoice primary)
    {
        yield return primary;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { primary.Qualified };
        foreach (var entry in Fallbacks())
        {
            ModelChoice choice;
            try
            {
                choice = selector.Resolve(entry);
            }
            catch (AgentStopException ex)
            {
                Log.FallbackSkipped(logger, entry, ex.Message);
                continue;
            }
            if (seen.Add(choice.Qualified))
            {
                yield return choice;
            }
        }
    }

    private List<string> Fallbacks()
    {
        var list = new List<string>();
        if (settings.Get(SettingsCatalog.Fallbacks) is { ValueKind: System.Text.Json.JsonValueKind.Array } value)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == System.Text.Json.JsonValueKind.String && item.GetString() is { Length: > 0 } text)
                {
                    list.Add(text);
                }
            }
        }
        return list;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Model} failed before answering ({Reason}); trying the next fallback")]
        public static partial void FallingBack(ILogger logger, string model, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Fallback {Model} skipped: {Reason}")]
        public static partial void FallbackSkipped(ILogger logger, string model, string reason);
    }
}
