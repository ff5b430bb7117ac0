using OpenMotoko.Providers.Anthropic;
using OpenMotoko.Providers.Google;
using OpenMotoko.Providers.Ollama;
using OpenMotoko.Providers.OpenAi;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Providers;

internal static class ProviderServices
{
    /// <summary>Registers the five providers, each with its own resilient HttpClient, the model selector and the router.</summary>
    public static IServiceCollection AddProviders(this IServiceCollection services)
    {
        services.AddProviderHttpClient(AnthropicProvider.ProviderId);
        services.AddSingleton<ILlmProvider, AnthropicProvider>();
        services.AddProviderHttpClient(OpenAiEndpoint.OpenAi.Id);
        services.AddSingleton<ILlmProvider>(sp => new OpenAiProvider(OpenAiEndpoint.OpenAi,
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<SettingsStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddProviderHttpClient(GeminiProvider.ProviderId);
        services.AddSingleton<ILlmProvider, GeminiProvider>();
        services.AddProviderHttpClient(OllamaProvider.ProviderId);
        services.AddSingleton<ILlmProvider, OllamaProvider>();
        services.AddProviderHttpClient(OpenAiEndpoint.Generic.Id);
        services.AddSingleton<ILlmProvider>(sp => new OpenAiProvider(OpenAiEndpoint.Generic,
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<SettingsStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ProviderReachability>();
        services.AddSingleton<ModelSelector>();
        services.AddSingleton<ProviderRouter>();
        services.AddJsonContext(ModelsJsonContext.Default);
        return services;
    }
}
