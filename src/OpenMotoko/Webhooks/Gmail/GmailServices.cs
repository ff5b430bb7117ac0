namespace OpenMotoko.Webhooks.Gmail;

internal static class GmailServices
{
    /// <summary>The Gmail push: its store, the API client (named HttpClient) and the background worker.</summary>
    public static IServiceCollection AddGmailPush(this IServiceCollection services)
    {
        services.AddSingleton<GmailStore>();
        services.AddSingleton<GmailClient>();
        services.AddSingleton<GmailWorker>();
        services.AddHostedService(static sp => sp.GetRequiredService<GmailWorker>());
        services.AddHttpClient(GmailClient.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        return services;
    }
}
