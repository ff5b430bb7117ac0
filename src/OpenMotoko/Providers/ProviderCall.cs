using System.Net;
using System.Text.Json;

namespace OpenMotoko.Providers;

/// <summary>
/// Sends one provider request and turns every failure into an <see cref="LlmException"/> that
/// carries the provider's own message with the caller's secrets removed. Success returns the
/// response with only its headers read, so the body can be streamed.
/// </summary>
internal static class ProviderCall
{
    private const int MaxErrorBodyChars = 8_192;

    /// <summary>
    /// Sends <paramref name="request"/>. <paramref name="readErrorMessage"/> pulls the message out of the
    /// provider's error body (its own JSON shape); <paramref name="secrets"/> are scrubbed from it.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient client,
        HttpRequestMessage request,
        string providerId,
        Func<JsonElement, string?> readErrorMessage,
        IReadOnlyList<string?> secrets,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new LlmException(providerId, null,
                SecretScrubber.Scrub($"Could not reach {providerId} at {request.RequestUri?.GetLeftPart(UriPartial.Authority)}: {ex.Message}", secrets),
                retryable: true, ex);
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException ex)
        {
            throw new LlmException(providerId, null, $"{providerId} is failing repeatedly; calls are paused for a short while.", retryable: true, ex);
        }
        catch (Polly.Timeout.TimeoutRejectedException ex)
        {
            throw new LlmException(providerId, null, $"{providerId} did not answer in time.", retryable: true, ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var body = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
            var message = ExtractMessage(body, readErrorMessage) ?? $"HTTP {status} {response.ReasonPhrase}";
            throw new LlmException(providerId, status,
                SecretScrubber.Scrub($"{providerId} returned {status}: {message}", secrets),
                retryable: IsRetryable(response.StatusCode));
        }
    }

    /// <summary>True for statuses where another attempt or provider may succeed (rate limits, overload, server errors).</summary>
    public static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static string? ExtractMessage(string body, Func<JsonElement, string?> readErrorMessage)
    {
        if (body.Length == 0)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            var message = readErrorMessage(document.RootElement);
            return string.IsNullOrWhiteSpace(message) ? body : message;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return text.Length > MaxErrorBodyChars ? text[..MaxErrorBodyChars] : text.Trim();
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }
}

/// <summary>Removes secrets (API keys, tokens) from text that may reach a person, a log or the database.</summary>
internal static class SecretScrubber
{
    public static string Scrub(string text, IReadOnlyList<string?> secrets)
    {
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret) && secret.Length >= 4)
            {
                text = text.Replace(secret, "[redacted]", StringComparison.Ordinal);
            }
        }
        return text;
    }
}
