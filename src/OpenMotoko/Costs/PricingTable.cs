namespace OpenMotoko.Costs;

/// <summary>A model's list price in USD per million tokens, and what it can do.</summary>
internal sealed record ModelPrice(string Provider, string ModelPrefix, string Name, int ContextWindow, bool SupportsTools,
    decimal InputPerMTok, decimal OutputPerMTok);

/// <summary>What one call cost, and whether the price was known.</summary>
internal readonly record struct PricedUsage(decimal Cost, bool PriceKnown);

/// <summary>
/// What is known of each model, in one place: list prices and context windows. Dated ids match by
/// the longest prefix ("claude-sonnet-4-5-20250929" is "claude-sonnet-4-5"); local providers (ollama)
/// cost nothing; an OpenAI-compatible server ("generic") may serve a model whose list price is known
/// under another provider (e.g. gpt-4o-mini through a proxy), otherwise it is free; an unknown model
/// of a hosted provider costs 0 and is flagged so the person can see it was not priced.
/// </summary>
internal static class PricingTable
{
    public static IReadOnlyList<ModelPrice> All { get; } =
    [
        new("anthropic", "claude-opus-4-1", "Claude Opus 4.1", 200_000, true, 15m, 75m),
        new("anthropic", "claude-opus-4", "Claude Opus 4", 200_000, true, 15m, 75m),
        new("anthropic", "claude-sonnet-4-5", "Claude Sonnet 4.5", 200_000, true, 3m, 15m),
        new("anthropic", "claude-sonnet-4", "Claude Sonnet 4", 200_000, true, 3m, 15m),
        new("anthropic", "claude-3-7-sonnet", "Claude Sonnet 3.7", 200_000, true, 3m, 15m),
        new("anthropic", "claude-haiku-4-5", "Claude Haiku 4.5", 200_000, true, 1m, 5m),
        new("anthropic", "claude-3-5-haiku", "Claude Haiku 3.5", 200_000, true, 0.80m, 4m),
        new("anthropic", "claude-3-haiku", "Claude Haiku 3", 200_000, true, 0.25m, 1.25m),
        new("openai", "gpt-5", "GPT-5", 400_000, true, 1.25m, 10m),
        new("openai", "gpt-5-mini", "GPT-5 mini", 400_000, true, 0.25m, 2m),
        new("openai", "gpt-5-nano", "GPT-5 nano", 400_000, true, 0.05m, 0.40m),
        new("openai", "gpt-4.1", "GPT-4.1", 1_047_576, true, 2m, 8m),
        new("openai", "gpt-4.1-mini", "GPT-4.1 mini", 1_047_576, true, 0.40m, 1.60m),
        new("openai", "gpt-4.1-nano", "GPT-4.1 nano", 1_047_576, true, 0.10m, 0.40m),
        new("openai", "gpt-4o", "GPT-4o", 128_000, true, 2.50m, 10m),
        new("openai", "gpt-4o-mini", "GPT-4o mini", 128_000, true, 0.15m, 0.60m),
        new("openai", "o1", "o1", 200_000, true, 15m, 60m),
        new("openai", "o3", "o3", 200_000, true, 2m, 8m),
        new("openai", "o3-mini", "o3-mini", 200_000, true, 1.10m, 4.40m),
        new("openai", "o4-mini", "o4-mini", 200_000, true, 1.10m, 4.40m),
        new("google", "gemini-2.5-pro", "Gemini 2.5 Pro", 1_048_576, true, 1.25m, 10m),
        new("google", "gemini-2.5-flash", "Gemini 2.5 Flash", 1_048_576, true, 0.30m, 2.50m),
        new("google", "gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", 1_048_576, true, 0.10m, 0.40m),
        new("google", "gemini-2.0-flash", "Gemini 2.0 Flash", 1_048_576, true, 0.10m, 0.40m),
        new("google", "gemini-1.5-pro", "Gemini 1.5 Pro", 2_097_152, true, 1.25m, 5m),
        new("google", "gemini-1.5-flash", "Gemini 1.5 Flash", 1_048_576, true, 0.075m, 0.30m),
    ];

    public const string GenericProvider = "generic";

    /// <summary>Assumed when a model's context window is unknown (local and OpenAI-compatible models).</summary>
    public const int DefaultContextWindow = 32_000;

    /// <summary>Providers that run on the person's own hardware: every model is free.</summary>
    public static bool IsLocal(string provider) => provider == "ollama";

    /// <summary>The model's context window in tokens, or <see cref="DefaultContextWindow"/> when unknown.</summary>
    public static int ContextWindow(string provider, string model) =>
        (Find(provider, model) ?? FindAnyProvider(model)) is { ContextWindow: > 0 } price ? price.ContextWindow : DefaultContextWindow;

    /// <summary>The longest-prefix entry for the model id under any provider, or null.</summary>
    public static ModelPrice? FindAnyProvider(string model)
    {
        ModelPrice? best = null;
        foreach (var entry in All)
        {
            if (model.StartsWith(entry.ModelPrefix, StringComparison.OrdinalIgnoreCase) && (best is null || entry.ModelPrefix.Length > best.ModelPrefix.Length))
            {
                best = entry;
            }
        }
        return best;
    }

    /// <summary>The entry whose prefix is the longest match for the model id, or null.</summary>
    public static ModelPrice? Find(string provider, string model)
    {
        ModelPrice? best = null;
        foreach (var entry in All)
        {
            if (entry.Provider == provider && model.StartsWith(entry.ModelPrefix, StringComparison.OrdinalIgnoreCase) &&
                (best is null || entry.ModelPrefix.Length > best.ModelPrefix.Length))
            {
                best = entry;
            }
        }
        return best;
    }

    /// <summary>The cost of one call, rounded to a millionth of a dollar.</summary>
    public static PricedUsage Price(string provider, string model, long inputTokens, long outputTokens)
    {
        if (IsLocal(provider))
        {
            return new PricedUsage(0m, PriceKnown: true);
        }
        var price = provider == GenericProvider ? FindAnyProvider(model) : Find(provider, model);
        if (price is null)
        {
            return new PricedUsage(0m, PriceKnown: provider == GenericProvider);
        }
        var cost = (inputTokens * price.InputPerMTok + outputTokens * price.OutputPerMTok) / 1_000_000m;
        return new PricedUsage(decimal.Round(cost, 6, MidpointRounding.AwayFromZero), PriceKnown: true);
    }
}
