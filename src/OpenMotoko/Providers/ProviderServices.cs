using OpenMotoko.Providers.OpenAi;
using OpenMotoko.Settings;

namespace OpenMotoko.Providers;

internal static class ProviderServices
{
    /// <summary>Registers the OpenAI and OpenAI-compatible providers, the model selector and the router.</summary>
    public static IServiceCollection AddProviders(this IServiceCollection services)
    {
        services.AddProviderHttpClient(OpenAiEndpoint.OpenAi.Id);
        services.AddProviderHttpClient(OpenAiEndpoint.Generic.Id);
        services.AddSingleton<ILlmProvider>(sp => new OpenAiProvider(OpenAiEndpoint.OpenAi,
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<SettingsStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ILlmProvider>(sp => new OpenAiProvider(OpenAiEndpoint.Generic,
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<SettingsStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ModelSelector>();
        services.AddSingleton<ProviderRouter>();
        return services;
    }
}
