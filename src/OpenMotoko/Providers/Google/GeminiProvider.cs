using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenMotoko.Costs;
using OpenMotoko.Settings;

namespace OpenMotoko.Providers.Google;

/// <summary>Gemini through the Generative Language API (streamGenerateContent with alt=sse).</summary>
internal sealed class GeminiProvider(IHttpClientFactory httpClients, SettingsStore settings, TimeProvider time) : ILlmProvider
{
    public const string ProviderId = "google";
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public string Id => ProviderId;
    public string Name => "Google Gemini";
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
    public string ConfigurationHint => "Set GOOGLE_AI_API_KEY or the googleAiApiKey setting.";

    private string? ApiKey => settings.GetString(SettingsCatalog.GoogleAiApiKey);

    public async IAsyncEnumerable<ChatStreamEvent> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = ApiKey;
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new LlmException(ProviderId, null, $"Google Gemini is not configured. {ConfigurationHint}");
        }
        var baseUrl = (settings.GetString(SettingsCatalog.GoogleAiBaseUrl) ?? "https://generativelanguage.googleapis.com").TrimEnd('/');
        var model = request.Model.StartsWith("models/", StringComparison.Ordinal) ? request.Model["models/".Length..] : request.Model;
        var body = JsonSerializer.SerializeToUtf8Bytes(GeminiHistory.ToRequest(request), GeminiJsonContext.Default.GeminiRequest);
        using var message = new HttpRequestMessage(HttpMethod.Post,
            $"{baseUrl}/v1beta/models/{Uri.EscapeDataString(model)}:streamGenerateContent?alt=sse")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = Json } },
        };
        message.Headers.Add("x-goog-api-key", key);
        message.Headers.Accept.ParseAdd("text/event-stream");

        string?[] secrets = [key];
        using var response = await ProviderCall.SendAsync(httpClients.CreateClient(ProviderId), message, ProviderId, ReadError, secrets, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var guarded = new StreamIdleGuard(stream, ProviderId, time, cancellationToken);
        await foreach (var item in GeminiStreamReader.ReadAsync(guarded, secrets, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    public Task<IReadOnlyList<ModelInfo>> ListModelsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ModelInfo>>(
        [
            .. PricingTable.All.Where(p => p.Provider == ProviderId).Select(p =>
                new ModelInfo(p.ModelPrefix, p.Name, p.ContextWindow, p.SupportsTools, p.InputPerMTok, p.OutputPerMTok)),
        ]);

    /// <summary>{"error":{"code":400,"message":"...","status":"INVALID_ARGUMENT"}}, sometimes wrapped in an array.</summary>
    private static string? ReadError(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
        {
            root = root[0];
        }
        return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object &&
               error.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String
            ? (error.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String ? $"{text.GetString()} ({status.GetString()})" : text.GetString())
            : null;
    }
}
