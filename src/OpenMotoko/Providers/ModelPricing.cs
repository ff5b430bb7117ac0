using OpenMotoko.Costs;

namespace OpenMotoko.Providers;

/// <summary>
/// Prices a call by the provider that answered. An OpenAI-compatible server may serve a model whose
/// list price is known under another provider (e.g. gpt-4o-mini through a proxy); otherwise it is free.
/// </summary>
internal static class ModelPricing
{
    public const string GenericProvider = "generic";

    public static PricedUsage Price(string provider, string model, long inputTokens, long outputTokens)
    {
        if (provider != GenericProvider)
        {
            return PricingTable.Price(provider, model, inputTokens, outputTokens);
        }
        if (FindAnyProvider(model) is not { } price)
        {
            return new PricedUsage(0m, PriceKnown: true);
        }
        return PricingTable.Price(price.Provider, model, inputTokens, outputTokens);
    }

    /// <summary>The longest-prefix entry for the model id under any provider, or null.</summary>
    public static ModelPrice? FindAnyProvider(string model)
    {
        ModelPrice? best = null;
        foreach (var provider in PricingTable.All.Select(p => p.Provider).Distinct())
        {
            if (PricingTable.Find(provider, model) is { } found && (best is null || found.ModelPrefix.Length > best.ModelPrefix.Length))
            {
                best = found;
            }
        }
        return best;
    }
}
