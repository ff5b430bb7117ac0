namespace OpenMotoko.Hosting;

/// <summary>Endpoint metadata: reachable without a session, and whether the generic rate limit applies.</summary>
internal sealed class PublicEndpoint(bool rateLimited)
{
    public bool RateLimited { get; } = rateLimited;
}

internal static class EndpointAccessExtensions
{
    /// <summary>No session needed. <paramref name="rateLimited"/> false for routes that are cheaper to serve than to count, or that limit themselves.</summary>
    public static TBuilder Public<TBuilder>(this TBuilder builder, bool rateLimited = true) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PublicEndpoint(rateLimited));
}
