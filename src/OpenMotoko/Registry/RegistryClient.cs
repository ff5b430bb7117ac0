using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Registry;

/// <summary>HTTP to the skill registry (docs/registry.md): the index, packages and ratings.</summary>
internal sealed class RegistryClient(IHttpClientFactory httpClients, SettingsStore settings)
{
    public const string HttpClientName = "registry";
    public const long MaxIndexBytes = 8 * 1024 * 1024;
    public const long MaxPackageBytes = 10 * 1024 * 1024;

    /// <summary>The configured registry with a trailing slash, so relative URLs resolve under it.</summary>
    public Uri BaseUrl => settings.GetString(SettingsCatalog.RegistryUrl) is { } url
        ? new Uri(url.TrimEnd('/') + "/")
        : throw new RegistryException(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable,
            $"No skill registry is configured: set {SettingsCatalog.RegistryUrl} (PUT /api/settings) or the environment variable OPENMOTOKO_REGISTRY_URL.");

    public static Uri IndexUrl(Uri baseUrl) => new(baseUrl, "index.json");

    public async Task<List<RegistryEntry>> FetchIndexAsync(Uri baseUrl, Action<string, string> skipped, CancellationToken cancellationToken)
    {
        var indexUrl = IndexUrl(baseUrl);
        byte[] bytes;
        try
        {
            bytes = await GetBytesAsync(indexUrl, MaxIndexBytes, cancellationToken);
        }
        catch (RegistryException ex) when (ex.Code == RegistryException.PackageRejected)
        {
            throw RegistryException.Upstream(ex.Message); // an oversized index is the registry's fault, not a package's
        }
        IndexDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, RegistryWireJsonContext.Default.IndexDocument);
        }
        catch (JsonException ex)
        {
            throw RegistryException.Upstream($"The registry's index {indexUrl} is not valid JSON: {ex.Message}");
        }
        if (document?.Entries is null)
        {
            throw RegistryException.Upstream($"The registry's index {indexUrl} has no 'entries' list.");
        }
        var entries = new Dictionary<string, RegistryEntry>(StringComparer.Ordinal);
        foreach (var wire in document.Entries)
        {
            if (wire is null)
            {
                skipped("(none)", "null entry");
            }
            else if (wire.ToEntry(out var problem) is { } entry)
            {
                entries.TryAdd(entry.Id, entry);
            }
            else
            {
                skipped(wire.Id ?? "(no id)", problem);
            }
        }
        return [.. entries.Values];
    }

    /// <summary>Downloads a package, refusing more than <paramref name="expectedSize"/> bytes.</summary>
    public Task<byte[]> DownloadAsync(Uri packageUrl, long expectedSize, CancellationToken cancellationToken) =>
        GetBytesAsync(packageUrl, Math.Min(expectedSize, MaxPackageBytes), cancellationToken);

    public async Task RateAsync(Uri baseUrl, RatingSubmission rating, CancellationToken cancellationToken)
    {
        var url = new Uri(baseUrl, "ratings");
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName)
                .PostAsJsonAsync(url, rating, RegistryWireJsonContext.Default.RatingSubmission, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw RegistryException.Upstream($"The registry at {baseUrl} refused the rating: HTTP {(int)response.StatusCode}.");
            }
        }
        catch (HttpRequestException ex)
        {
            throw RegistryException.Upstream($"The registry at {baseUrl} could not be reached: {ex.Message}");
        }
        catch (Exception ex) when (ex is Polly.ExecutionRejectedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw RegistryException.Upstream($"The registry at {baseUrl} did not answer in time or is failing.");
        }
    }

    private async Task<byte[]> GetBytesAsync(Uri url, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName)
                .GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw RegistryException.Upstream($"The registry answered HTTP {(int)response.StatusCode} for {url}.");
            }
            if (response.Content.Headers.ContentLength > maxBytes)
            {
                throw RegistryException.Rejected($"{url} is {response.Content.Headers.ContentLength} bytes, more than the {maxBytes} allowed.");
            }
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw RegistryException.Rejected($"{url} sent more than the {maxBytes} bytes allowed.");
                }
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
        catch (HttpRequestException ex)
        {
            throw RegistryException.Upstream($"The registry could not be reached at {url}: {ex.Message}");
        }
        catch (Exception ex) when (ex is Polly.ExecutionRejectedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw RegistryException.Upstream($"The registry did not answer in time or is failing ({url}).");
        }
    }
}
