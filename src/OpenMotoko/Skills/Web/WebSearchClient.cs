using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Skills.Web;

/// <summary>One search hit.</summary>
internal sealed record SearchHit(string Title, string Url, string Snippet);

/// <summary>The search setting is missing or incomplete; the message names the setting to fix.</summary>
internal sealed class SearchNotConfiguredException(string message) : Exception(message);

/// <summary>
/// Talks to the configured search provider: SearXNG (GET {url}/search?format=json), Brave
/// (X-Subscription-Token) or Tavily (POST with api_key). These endpoints are chosen by the owner,
/// so they skip the SSRF guard: a SearXNG on the LAN is the common case.
/// </summary>
internal sealed class WebSearchClient(IHttpClientFactory httpClients, SettingsStore settings, EnvironmentSnapshot environment, TimeProvider time)
{
    public const string HttpClientName = "web-search";
    public const string BraveBaseUrlVariable = "OPENMOTOKO_BRAVE_BASE_URL";
    public const string TavilyBaseUrlVariable = "OPENMOTOKO_TAVILY_BASE_URL";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, int count, CancellationToken cancellationToken)
    {
        var provider = settings.GetString(SettingsCatalog.WebSearch) ?? "none";
        using var request = provider switch
        {
            "searxng" => SearxngRequest(query),
            "brave" => BraveRequest(query, count),
            "tavily" => TavilyRequest(query, count),
            _ => throw new SearchNotConfiguredException(
                $"Web search is not configured. Set {SettingsCatalog.WebSearch} to searxng (with {SettingsCatalog.WebSearxngUrl}), " +
                $"brave or tavily (with {SettingsCatalog.WebSearchApiKey} or OPENMOTOKO_WEB_SEARCH_API_KEY)."),
        };
        using var deadline = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var client = httpClients.CreateClient(HttpClientName);
        using var response = await client.SendAsync(request, linked.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The {provider} search answered HTTP {(int)response.StatusCode}" +
                (response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden
                    ? $"; check {SettingsCatalog.WebSearchApiKey}." : "."));
        }
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(linked.Token), default, linked.Token);
        var root = document.RootElement;
        var results = provider == "brave"
            ? root.TryGetProperty("web", out var web) && web.TryGetProperty("results", out var braveResults) ? braveResults : default
            : root.TryGetProperty("results", out var plain) ? plain : default;
        var snippetField = provider == "brave" ? "description" : "content";
        var hits = new List<SearchHit>();
        if (results.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in results.EnumerateArray())
            {
                if (hits.Count >= count)
                {
                    break;
                }
                var url = Text(item, "url");
                if (url.Length > 0)
                {
                    hits.Add(new SearchHit(Text(item, "title"), url, HtmlText.Convert(Text(item, snippetField)).Text));
                }
            }
        }
        return hits;
    }

    private HttpRequestMessage SearxngRequest(string query)
    {
        var baseUrl = settings.GetString(SettingsCatalog.WebSearxngUrl) ?? throw new SearchNotConfiguredException(
            $"{SettingsCatalog.WebSearch} is searxng but {SettingsCatalog.WebSearxngUrl} is not set: give the SearXNG instance's URL.");
        var request = new HttpRequestMessage(HttpMethod.Get, $"{baseUrl.TrimEnd('/')}/search?q={Uri.EscapeDataString(query)}&format=json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private HttpRequestMessage BraveRequest(string query, int count)
    {
        var baseUrl = environment.Get(BraveBaseUrlVariable) ?? "https://api.search.brave.com";
        var request = new HttpRequestMessage(HttpMethod.Get,
            $"{baseUrl.TrimEnd('/')}/res/v1/web/search?q={Uri.EscapeDataString(query)}&count={count}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation("X-Subscription-Token", ApiKey("brave"));
        return request;
    }

    private HttpRequestMessage TavilyRequest(string query, int count)
    {
        var baseUrl = environment.Get(TavilyBaseUrlVariable) ?? "https://api.tavily.com";
        var body = new JsonObject { ["api_key"] = ApiKey("tavily"), ["query"] = query, ["max_results"] = count };
        return new HttpRequestMessage(HttpMethod.Post, $"{baseUrl.TrimEnd('/')}/search")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
    }

    private string ApiKey(string provider) => settings.GetString(SettingsCatalog.WebSearchApiKey) ?? throw new SearchNotConfiguredException(
        $"{SettingsCatalog.WebSearch} is {provider} but no API key is set: set {SettingsCatalog.WebSearchApiKey} or OPENMOTOKO_WEB_SEARCH_API_KEY.");

    private static string Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : "";
}
