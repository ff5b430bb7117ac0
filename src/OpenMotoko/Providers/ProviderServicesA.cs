using OpenMotoko.Providers.Anthropic;
using OpenMotoko.Providers.Google;
using OpenMotoko.Providers.Ollama;

namespace OpenMotoko.Providers;

/// <summary>Registers the Anthropic, Google Gemini and Ollama providers, each with its own resilient HttpClient.</summary>
internal static class ProviderServicesA
{
    public static IServiceCollection AddAnthropicGoogleOllama(this IServiceCollection services)
    {
        services.AddProviderHttpClient(AnthropicProvider.ProviderId);
        services.AddSingleton<ILlmProvider, AnthropicProvider>();
        services.AddProviderHttpClient(GeminiProvider.ProviderId);
        services.AddSingleton<ILlmProvider, GeminiProvider>();
        services.AddProviderHttpClient(OllamaProvider.ProviderId);
        services.AddSingleton<ILlmProvider, OllamaProvider>();
        return services;
    }
}
