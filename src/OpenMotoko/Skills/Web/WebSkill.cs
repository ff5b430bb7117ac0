using OpenMotoko.Agent;

namespace OpenMotoko.Skills.Web;

/// <summary>The built-in <c>web</c> skill: fetch_url and search_web.</summary>
internal static class WebSkill
{
    public const string Id = "web";

    public static IServiceCollection AddWebSkill(this IServiceCollection services)
    {
        services.AddSingleton<GuardedFetcher>();
        services.AddSingleton<WebSearchClient>();
        services.AddHttpClient(WebSearchClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<IAgentTool, FetchUrlTool>();
        services.AddSingleton<IAgentTool, SearchWebTool>();
        return services;
    }
}
