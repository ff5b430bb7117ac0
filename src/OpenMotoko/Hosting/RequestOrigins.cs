namespace OpenMotoko.Hosting;

/// <summary>
/// Browser origins (scheme://host[:port]): reading OPENMOTOKO_CORS_ORIGINS, and telling whether an
/// unsafe request came from the daemon's own page, one of those origins, or somewhere else.
/// </summary>
internal static class RequestOrigins
{
    /// <summary>The origin in canonical form (lower case, default port left out), or null when the text is not one.</summary>
    public static string? Normalize(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") ||
            uri.UserInfo.Length > 0 || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 ||
            value.TrimEnd('/').Length < value.Length - 1)
        {
            return null;
        }
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{host.ToLowerInvariant()}" : $"{uri.Scheme}://{host.ToLowerInvariant()}:{uri.Port}";
    }

    /// <summary>One entry of OPENMOTOKO_CORS_ORIGINS, canonical; anything that is not an origin stops the start.</summary>
    public static string ParseConfigured(string value) =>
        Normalize(value) ?? throw new StartupException(
            $"OPENMOTOKO_CORS_ORIGINS: '{value}' is not a browser origin. List each origin as scheme://host[:port] " +
            "(e.g. https://chat.example.com,http://localhost:5173), separated by commas. '*' is not allowed: the API is called with credentials.");

    /// <summary>
    /// Whether a browser sent this request from the daemon's own origin or an allowed one: its
    /// Sec-Fetch-Site says same-origin (a header pages cannot set), or its Origin matches.
    /// </summary>
    public static bool IsFromAllowedOrigin(HttpRequest request, IReadOnlyCollection<string> allowed)
    {
        if (string.Equals(request.Headers["Sec-Fetch-Site"].ToString(), "same-origin", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (Normalize(request.Headers.Origin.ToString()) is not { } origin)
        {
            return false; // none, "null" (a sandboxed or file page), or garbage
        }
        return origin == Normalize($"{request.Scheme}://{request.Host}") || allowed.Contains(origin);
    }
}
