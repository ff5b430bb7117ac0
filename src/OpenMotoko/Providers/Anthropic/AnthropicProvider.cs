using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenMotoko.Costs;
using OpenMotoko.Settings;

namespace OpenMotoko.Providers.Anthropic;

/// <summary>Claude through the Messages API (POST {base}/v1/messages, streamed as SSE).</summary>
internal sealed class AnthropicProvider(IHttpClientFactory httpClients, SettingsStore settings, TimeProvider time) : ILlmProvider
{
    public const string ProviderId = "anthropic";
    private const string ApiVersion = "2023-06-01";
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>Pricing prefixes that are not themselves model ids, and the alias the API accepts for each.</summary>
    private static readonly Dictionary<string, string> CallableIds = new(StringComparer.Ordinal)
    {
        ["claude-opus-4"] = "claude-opus-4-0",
        ["claude-sonnet-4"] = "claude-sonnet-4-0",
        ["claude-3-7-sonnet"] = "claude-3-7-sonnet-latest",
        ["claude-3-5-haiku"] = "claude-3-5-haiku-latest",
        ["claude-3-haiku"] = "claude-3-haiku-20240307",
    };

    public string Id => ProviderId;
    public string Name => "Anthropic";
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
    public string ConfigurationHint => "Set ANTHROPIC_API_KEY or the anthropicApiKey setting.";

    private string? ApiKey => settings.GetString(SettingsCatalog.AnthropicApiKey);

    public async IAsyncEnumerable<ChatStreamEvent> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = ApiKey;
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new LlmException(ProviderId, null, $"Anthropic is not configured. {ConfigurationHint}");
        }
        var baseUrl = (settings.GetString(SettingsCatalog.AnthropicBaseUrl) ?? "https://api.anthropic.com").TrimEnd('/');
        var body = JsonSerializer.SerializeToUtf8Bytes(AnthropicHistory.ToRequest(request), AnthropicJsonContext.Default.AnthropicRequest);
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/v1/messages")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = Json } },
        };
        message.Headers.Add("x-api-key", key);
        message.Headers.Add("anthropic-version", ApiVersion);
        message.Headers.Accept.ParseAdd("text/event-stream");

        string?[] secrets = [key];
        using var response = await ProviderCall.SendAsync(httpClients.CreateClient(ProviderId), message, ProviderId, ReadError, secrets, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var guarded = new StreamIdleGuard(stream, ProviderId, time, cancellationToken);
        await foreach (var item in AnthropicStreamReader.ReadAsync(guarded, secrets, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    public Task<IReadOnlyList<ModelInfo>> ListModelsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ModelInfo>>(
        [
            .. PricingTable.All.Where(p => p.Provider == ProviderId).Select(p =>
                new ModelInfo(CallableIds.GetValueOrDefault(p.ModelPrefix, p.ModelPrefix), p.Name, p.ContextWindow, p.SupportsTools, p.InputPerMTok, p.OutputPerMTok)),
        ]);

    /// <summary>{"type":"error","error":{"type":"...","message":"..."}}</summary>
    private static string? ReadError(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object &&
        error.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String
            ? (error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? $"{text.GetString()} ({type.GetString()})" : text.GetString())
            : null;
}
