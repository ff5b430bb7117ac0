using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenMotoko.Costs;
using OpenMotoko.Settings;

namespace OpenMotoko.Providers.OpenAi;

/// <summary>
/// Where an OpenAI-style server lives and what it needs. The same client serves OpenAI itself
/// (key required, static price list) and any OpenAI-compatible server (key optional, models asked of it).
/// </summary>
internal sealed record OpenAiEndpoint(
    string Id,
    string Name,
    string BaseUrlSetting,
    string ApiKeySetting,
    bool RequiresKey,
    bool AsksServerForModels,
    bool UseMaxCompletionTokens,
    string ConfigurationHint)
{
    public static OpenAiEndpoint OpenAi { get; } = new("openai", "OpenAI", SettingsCatalog.OpenAiBaseUrl, SettingsCatalog.OpenAiApiKey,
        RequiresKey: true, AsksServerForModels: false, UseMaxCompletionTokens: true,
        "Set OPENAI_API_KEY or the openaiApiKey setting.");

    public static OpenAiEndpoint Generic { get; } = new("generic", "OpenAI-compatible", SettingsCatalog.GenericBaseUrl, SettingsCatalog.GenericApiKey,
        RequiresKey: false, AsksServerForModels: true, UseMaxCompletionTokens: false,
        "Set GENERIC_LLM_BASE_URL or the genericBaseUrl setting (and GENERIC_LLM_API_KEY or genericApiKey if the server wants a key).");
}

/// <summary>OpenAI Chat Completions over HttpClient: POST {base}/chat/completions, streamed.</summary>
internal sealed class OpenAiProvider(OpenAiEndpoint endpoint, IHttpClientFactory httpClients, SettingsStore settings, TimeProvider time) : ILlmProvider
{
    public string Id => endpoint.Id;
    public string Name => endpoint.Name;
    public string ConfigurationHint => endpoint.ConfigurationHint;

    public bool IsConfigured => BaseUrl is not null && (!endpoint.RequiresKey || ApiKey is not null);

    private string? BaseUrl => settings.GetString(endpoint.BaseUrlSetting)?.TrimEnd('/') is { Length: > 0 } url ? url : null;
    private string? ApiKey => settings.GetString(endpoint.ApiKeySetting) is { Length: > 0 } key ? key : null;

    public async IAsyncEnumerable<ChatStreamEvent> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var baseUrl = BaseUrl ?? throw new LlmException(Id, null, $"{Name} is not configured. {ConfigurationHint}");
        var key = ApiKey;
        if (endpoint.AsksServerForModels && request.Model == ProviderDefaults.ServerFirstModel)
        {
            request = request with { Model = await FirstServerModelAsync(cancellationToken) };
        }
        var wire = OpenAiMapping.ToWire(request, endpoint.UseMaxCompletionTokens);
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/chat/completions")
        {
            Content = JsonContent(wire),
        };
        Authorize(message, key);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await ProviderCall.SendAsync(httpClients.CreateClient(Id), message, Id, ReadErrorMessage, [key], cancellationToken);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var guarded = new StreamIdleGuard(body, Id, time, cancellationToken);
        await foreach (var item in OpenAiStreamReader.ReadAsync(guarded, Id, cancellationToken))
        {
            yield return item;
        }
    }

    public async Task<IReadOnlyList<ModelInfo>> ListModelsAsync(CancellationToken cancellationToken)
    {
        if (!endpoint.AsksServerForModels)
        {
            return [.. PricingTable.All.Where(p => p.Provider == Id).Select(ToModelInfo)];
        }
        var baseUrl = BaseUrl ?? throw new LlmException(Id, null, $"{Name} is not configured. {ConfigurationHint}");
        var key = ApiKey;
        using var message = new HttpRequestMessage(HttpMethod.Get, $"{baseUrl}/models");
        Authorize(message, key);
        using var response = await ProviderCall.SendAsync(httpClients.CreateClient(ProviderHttp.ListClientName(Id)), message, Id, ReadErrorMessage, [key], cancellationToken);
        OpenAiModelList? list;
        try
        {
            list = JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(cancellationToken), OpenAiJsonContext.Default.OpenAiModelList);
        }
        catch (JsonException ex)
        {
            throw new LlmException(Id, null, $"{Name} answered GET /models with something that is not a model list.", inner: ex);
        }
        return [.. (list?.Data ?? []).Where(m => !string.IsNullOrEmpty(m.Id)).Select(m => DescribeServerModel(m.Id))];
    }

    /// <summary>The first model the server lists: what an alias means on a server whose models nobody named.</summary>
    private async Task<string> FirstServerModelAsync(CancellationToken cancellationToken) =>
        (await ListModelsAsync(cancellationToken)).FirstOrDefault()?.Id
        ?? throw new LlmException(Id, null, $"{Name} lists no models, so no model can be chosen for it: name one as generic/<model> or set llm.alias.balanced.");

    /// <summary>Reads {"error": {"message": ...}} (OpenAI and most compatible servers), or a bare {"message": ...}.</summary>
    public static string? ReadErrorMessage(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (root.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.String)
            {
                return error.GetString();
            }
            if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString();
            }
        }
        return root.TryGetProperty("message", out var bare) && bare.ValueKind == JsonValueKind.String ? bare.GetString() : null;
    }

    private static ModelInfo ToModelInfo(ModelPrice price) =>
        new(price.ModelPrefix, price.Name, price.ContextWindow, price.SupportsTools, price.InputPerMTok, price.OutputPerMTok);

    private static ModelInfo DescribeServerModel(string id) =>
        PricingTable.FindAnyProvider(id) is { } price
            ? new ModelInfo(id, price.Name, price.ContextWindow, price.SupportsTools, price.InputPerMTok, price.OutputPerMTok)
            : new ModelInfo(id, id, 0, true, 0m, 0m);

    private static void Authorize(HttpRequestMessage message, string? key)
    {
        if (key is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
    }

    private static ByteArrayContent JsonContent(OpenAiChatRequest wire)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(wire, OpenAiJsonContext.Default.OpenAiChatRequest));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
