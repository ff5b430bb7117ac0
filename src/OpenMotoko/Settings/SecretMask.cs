namespace OpenMotoko.Settings;

/// <summary>Shows enough of a secret to recognise it, never enough to use it.</summary>
internal static class SecretMask
{
    public static string? Mask(string? secret) => secret switch
    {
        null => null,
        { Length: < 12 } => "****",
        _ => $"{secret[..3]}...{secret[^4..]}",
    };
}
