using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenMotoko.Settings;

namespace OpenMotoko.Providers.Ollama;

/// <summary>Local models through Ollama's /api/chat (NDJSON stream) and /api/tags (installed models).</summary>
internal sealed class OllamaProvider(IHttpClientFactory httpClients, SettingsStore settings, TimeProvider time) : ILlmProvider
{
    public const string ProviderId = "ollama";

    /// <summary>Ollama's context length when a request does not set num_ctx, which ours do not.</summary>
    private const int DefaultContextWindow = 4096;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public string Id => ProviderId;
    public string Name => "Ollama";
    /// <summary>Only once its host was set (OLLAMA_HOST or ollamaHost): the built-in localhost URL alone is not a choice to use Ollama.</summary>
    public bool IsConfigured => settings.SourceOf(SettingsCatalog.OllamaHost) != SettingSource.Default;
    public string ConfigurationHint => "Set OLLAMA_HOST or the ollamaHost setting (e.g. http://localhost:11434) and run `ollama serve`.";

    private string Host => (settings.GetString(SettingsCatalog.OllamaHost) ?? "http://localhost:11434").TrimEnd('/');

    public async IAsyncEnumerable<ChatStreamEvent> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(OllamaHistory.ToRequest(request), OllamaJsonContext.Default.OllamaRequest);
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{Host}/api/chat")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = Json } },
        };
        using var response = await SendAsync(message, ProviderId, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var guarded = new StreamIdleGuard(stream, ProviderId, time, cancellationToken);
        await foreach (var item in OllamaStreamReader.ReadAsync(guarded, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    public async Task<IReadOnlyList<ModelInfo>> ListModelsAsync(CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            return []; // nobody said Ollama runs here: do not knock on localhost:11434 for every listing
        }
        using var message = new HttpRequestMessage(HttpMethod.Get, $"{Host}/api/tags");
        using var response = await SendAsync(message, ProviderHttp.ListClientName(ProviderId), cancellationToken).ConfigureAwait(false);
        var json = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        OllamaTags? tags;
        try
        {
            tags = JsonSerializer.Deserialize(json, OllamaJsonContext.Default.OllamaTags);
        }
        catch (JsonException ex)
        {
            throw new LlmException(ProviderId, null, $"ollama answered /api/tags with something that is not its model list: {ex.Message}", inner: ex);
        }
        return [.. (tags?.Models ?? []).Select(m => new ModelInfo(m.Name, m.Name, DefaultContextWindow, true, 0m, 0m))];
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, string clientName, CancellationToken cancellationToken)
    {
        try
        {
            return await ProviderCall.SendAsync(httpClients.CreateClient(clientName), message, ProviderId, ReadError, [], cancellationToken).ConfigureAwait(false);
        }
        catch (LlmException ex) when (ex.InnerException is HttpRequestException)
        {
            throw new LlmException(ProviderId, null,
                $"Could not reach Ollama at {Host} ({ex.InnerException.Message}). Is it running (`ollama serve`)? If it runs elsewhere, set OLLAMA_HOST or the ollamaHost setting.",
                retryable: true, ex.InnerException);
        }
    }

    /// <summary>{"error":"model \"x\" not found, try pulling it first"}</summary>
    private static string? ReadError(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
            ? error.GetString() : null;
}
