using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Providers;

/// <summary>A resolved model: the provider that serves it and the provider's own id for it.</summary>
internal sealed record ModelChoice(ILlmProvider Provider, string Model)
{
    public string Qualified => $"{Provider.Id}/{Model}";
}

/// <summary>
/// Turns what a person wrote as a model (docs/api.md) into a provider and model id: aliases
/// fast/balanced/smart from settings, "provider/model", a bare id routed by its prefix, else
/// llm.defaultProvider. Settings are read on every call, so changes apply at once.
/// Failures are <see cref="ApiException"/> 400 VALIDATION_ERROR with what to set.
/// </summary>
internal sealed class ModelSelector(IEnumerable<ILlmProvider> providers, SettingsStore settings)
{
    private static readonly (string Prefix, string Provider)[] Prefixes =
    [
        ("claude", "anthropic"), ("gpt", "openai"), ("chatgpt", "openai"), ("o1", "openai"), ("o3", "openai"), ("o4", "openai"),
        ("gemini", "google"),
    ];

    private readonly Dictionary<string, ILlmProvider> _providers = providers.ToDictionary(p => p.Id, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<ILlmProvider> Providers => _providers.Values;

    /// <summary>Resolves <paramref name="model"/> (null or empty: the defaultModel setting) to a configured provider.</summary>
    public ModelChoice Resolve(string? model)
    {
        var choice = Locate(model);
        if (!choice.Provider.IsConfigured)
        {
            throw Invalid($"The {choice.Provider.Name} provider ('{choice.Provider.Id}') is not configured: {choice.Provider.ConfigurationHint}");
        }
        return choice;
    }

    /// <summary>Like <see cref="Resolve"/> but does not require the provider to be configured.</summary>
    public ModelChoice Locate(string? model)
    {
        var requested = string.IsNullOrWhiteSpace(model) ? DefaultModel() : model.Trim();
        var name = ExpandAlias(requested);

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var providerId = name[..slash];
            var id = name[(slash + 1)..].Trim();
            if (!_providers.TryGetValue(providerId, out var explicitProvider))
            {
                throw Invalid($"Unknown provider '{providerId}' in model '{name}'. Known providers: {KnownProviders()}.");
            }
            return id.Length == 0 ? throw Invalid($"Model '{name}' names no model after '{providerId}/'.") : new ModelChoice(explicitProvider, id);
        }

        foreach (var (prefix, providerId) in Prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return _providers.TryGetValue(providerId, out var byPrefix)
                    ? new ModelChoice(byPrefix, name)
                    : throw Invalid($"Model '{name}' belongs to the '{providerId}' provider, which this daemon does not have. Known providers: {KnownProviders()}.");
            }
        }

        var fallbackProvider = settings.GetString(SettingsCatalog.DefaultProvider);
        if (fallbackProvider is not null && _providers.TryGetValue(fallbackProvider, out var defaultProvider))
        {
            return new ModelChoice(defaultProvider, name);
        }
        throw Invalid($"Cannot tell which provider serves model '{name}': write it as provider/model (e.g. ollama/llama3.2 or generic/{name}) or set llm.defaultProvider.");
    }

    private string ExpandAlias(string name)
    {
        var tier = name.ToLowerInvariant();
        var key = tier switch
        {
            "fast" => SettingsCatalog.AliasFast,
            "balanced" => SettingsCatalog.AliasBalanced,
            "smart" => SettingsCatalog.AliasSmart,
            _ => null,
        };
        if (key is null)
        {
            return name;
        }
        var target = settings.GetString(key)?.Trim();
        if (string.IsNullOrEmpty(target))
        {
            // Not set: the default provider's own model for this tier (see ProviderDefaults).
            return ProviderDefaults.Pick(_providers, settings) is { } provider
                ? ProviderDefaults.ForTier(provider, tier)
                : throw Invalid($"No provider is configured for the alias '{name}': set ANTHROPIC_API_KEY, OPENAI_API_KEY, GOOGLE_AI_API_KEY, OLLAMA_HOST or GENERIC_LLM_BASE_URL.");
        }
        return target is "fast" or "balanced" or "smart"
            ? throw Invalid($"The alias '{name}' points to another alias: set {key} to a model such as anthropic/claude-sonnet-4-5.")
            : target;
    }

    /// <summary>defaultModel (llm.defaultModel is another name for the same setting).</summary>
    private string DefaultModel()
    {
        var chosen = settings.GetString(SettingsCatalog.DefaultModel);
        return string.IsNullOrWhiteSpace(chosen)
            ? throw Invalid("No model was given and no default is set: set defaultModel (e.g. balanced or openai/gpt-4o-mini).")
            : chosen.Trim();
    }

    private string KnownProviders() => string.Join(", ", _providers.Keys.Order(StringComparer.Ordinal));

    private static ApiException Invalid(string message) => new(StatusCodes.Status400BadRequest, Hosting.ErrorCodes.Validation, message);
}
