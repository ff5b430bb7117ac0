using OpenMotoko.Settings;

namespace OpenMotoko.Providers;

/// <summary>
/// Which provider answers when no model names one, and what each provider's fast/balanced/smart
/// mean when the llm.alias.* settings are not set: llm.defaultProvider when set, else the first
/// configured provider in the order anthropic, openai, google, ollama, generic. Ollama counts only
/// when its host was set (OLLAMA_HOST or ollamaHost). With none configured there is none, and the
/// selector's refusal says what to set.
/// </summary>
internal static class ProviderDefaults
{
    /// <summary>The model id of an OpenAI-compatible server that stands for "the first model the server lists".</summary>
    public const string ServerFirstModel = "default";

    public static readonly string[] Order = ["anthropic", "openai", "google", "ollama", "generic"];

    private static readonly Dictionary<string, (string Fast, string Balanced, string Smart)> Tiers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["anthropic"] = ("claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-1"),
        ["openai"] = ("gpt-4.1-mini", "gpt-4.1", "gpt-5"),
        ["google"] = ("gemini-2.5-flash-lite", "gemini-2.5-flash", "gemini-2.5-pro"),
        ["ollama"] = ("llama3.2", "llama3.2", "llama3.2"),
        ["generic"] = (ServerFirstModel, ServerFirstModel, ServerFirstModel),
    };

    /// <summary>The provider that serves unqualified aliases: llm.defaultProvider, else the first configured one.</summary>
    public static ILlmProvider? Pick(IReadOnlyDictionary<string, ILlmProvider> providers, SettingsStore settings)
    {
        if (settings.GetString(SettingsCatalog.DefaultProvider) is { } chosen && providers.TryGetValue(chosen, out var named))
        {
            return named;
        }
        foreach (var id in Order)
        {
            if (providers.TryGetValue(id, out var provider) && provider.IsConfigured)
            {
                return provider;
            }
        }
        return null;
    }

    /// <summary>The provider's own model for an alias tier (fast, balanced or smart), as provider/model.</summary>
    public static string ForTier(ILlmProvider provider, string tier)
    {
        (string Fast, string Balanced, string Smart) tiers = Tiers.GetValueOrDefault(provider.Id, (ServerFirstModel, ServerFirstModel, ServerFirstModel));
        var model = tier switch
        {
            "fast" => tiers.Fast,
            "smart" => tiers.Smart,
            _ => tiers.Balanced,
        };
        return $"{provider.Id}/{model}";
    }
}
