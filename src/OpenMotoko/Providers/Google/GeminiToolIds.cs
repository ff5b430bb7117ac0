using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace OpenMotoko.Providers.Google;

/// <summary>
/// Gemini function calls carry no id, so each gets one made up here: "gem_{nonce}_{n}". A call's
/// thoughtSignature (which Gemini wants back when the call is replayed) is carried inside the id as
/// "_sig_{base64url}", so it survives storage and restarts without a side table. The whole id stays
/// within [A-Za-z0-9_-].
/// </summary>
internal static class GeminiToolIds
{
    private const string SignatureMarker = "_sig_";

    /// <summary>A fresh prefix for the calls of one streamed answer.</summary>
    public static string NewBatch() => "gem_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public static string Create(string batch, int index, string? thoughtSignature) =>
        thoughtSignature is { Length: > 0 }
            ? $"{batch}_{index}{SignatureMarker}{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(thoughtSignature))}"
            : $"{batch}_{index}";

    /// <summary>The thought signature carried in an id minted here; null for any other id.</summary>
    public static string? SignatureOf(string id)
    {
        if (!id.StartsWith("gem_", StringComparison.Ordinal))
        {
            return null;
        }
        var at = id.IndexOf(SignatureMarker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }
        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(id.AsSpan(at + SignatureMarker.Length)));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
