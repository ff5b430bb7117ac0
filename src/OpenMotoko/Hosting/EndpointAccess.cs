namespace OpenMotoko.Hosting;

/// <summary>Endpoint metadata: reachable without a session, and whether the generic rate limit applies.</summary>
internal sealed class PublicEndpoint(bool rateLimited)
{
    public bool RateLimited { get; } = rateLimited;
}

/// <summary>Endpoint metadata: the session token may come as ?token= (a browser cannot set headers on a WebSocket). Never logged.</summary>
internal sealed class QueryTokenEndpoint;

internal static class EndpointAccessExtensions
{
    /// <summary>Also takes the session token from ?token=; only for routes a browser cannot send a header to.</summary>
    public static TBuilder AcceptsQueryToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new QueryTokenEndpoint());

    /// <summary>No session needed. <paramref name="rateLimited"/> false for routes that are cheaper to serve than to count, or that limit themselves.</summary>
    public static TBuilder Public<TBuilder>(this TBuilder builder, bool rateLimited = true) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PublicEndpoint(rateLimited));
}
