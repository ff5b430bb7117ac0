using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using OpenMotoko.Events;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Providers;

/// <summary>One streamed event and the provider and model that actually produced it (a fallback may have answered).</summary>
internal sealed record RoutedEvent(ChatStreamEvent Event, string Provider, string Model);

/// <summary>Follows an attempt that produced usage: its tokens priced once, as published in <see cref="LlmCompleted"/>.</summary>
internal sealed record CallPriced(long InputTokens, long OutputTokens, decimal Cost, bool PriceKnown) : ChatStreamEvent;

/// <summary>
/// Streams a model call through the chosen provider and, when it fails with a retryable error
/// (after the HTTP pipeline's own retries) before any text or tool call came out, through each of
/// llm.fallbacks in turn. Once output has started nothing is retried. Every attempt passes the
/// gates first (the budget guard may refuse it); every attempt that produced usage is priced once
/// and published as <see cref="LlmCompleted"/> (cost accounting and the activity feed hear it there).
/// </summary>
internal sealed partial class ProviderRouter(ModelSelector selector, SettingsStore settings, IEnumerable<ILlmCallGate> gates, EventBus bus,
    ILogger<ProviderRouter> logger)
{
    private readonly ILlmCallGate[] _gates = [.. gates];

    /// <param name="primary">The model the turn resolved once (see <see cref="ModelSelector.Resolve"/>).</param>
    /// <param name="request">The call; its <see cref="ChatRequest.Model"/> is replaced per attempt.</param>
    /// <param name="scope">Where the call comes from, recorded with its events (no conversation for /v1).</param>
    public async IAsyncEnumerable<RoutedEvent> StreamAsync(
        ModelChoice primary,
        ChatRequest request,
        EventScope scope,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        LlmException? firstFailure = null;
        foreach (var choice in Chain(primary))
        {
            var call = new LlmCall(scope.ConversationId ?? "", choice.Provider.Id, choice.Model, request);
            using var holds = new Holds();
            foreach (var gate in _gates)
            {
                holds.Add(await gate.BeforeCallAsync(call, cancellationToken));
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
                var priced = Costs.PricingTable.Price(choice.Provider.Id, choice.Model, input, output);
                // The call has been paid for even if the person went away, so it is published regardless of cancellation.
                await bus.PublishAsync(new LlmCompleted(scope, choice.Provider.Id, choice.Model, input, output, priced.Cost, priced.PriceKnown));
                yield return new RoutedEvent(new CallPriced(input, output, priced.Cost, priced.PriceKnown), choice.Provider.Id, choice.Model);
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

    /// <summary>What the gates hold for one attempt, released when it ends.</summary>
    private sealed class Holds : List<IDisposable?>, IDisposable
    {
        public void Dispose() => ForEach(static hold => hold?.Dispose());
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
            catch (ApiException ex)
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
