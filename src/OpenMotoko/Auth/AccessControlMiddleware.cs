using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Auth;

/// <summary>
/// Finds the caller's session (cookie or bearer token), applies the per-client rate limit, and
/// refuses non-public routes without a session. Runs after routing, so it sees the endpoint.
/// A browser sends the cookie along with requests other sites make it send (a form POST, a
/// text/plain fetch), so for an unsafe method the cookie counts only when the request comes from
/// the daemon's own origin or one in OPENMOTOKO_CORS_ORIGINS; bearer tokens are never sent that way.
/// </summary>
internal sealed class AccessControlMiddleware(
    RequestDelegate next, SessionStore sessions, RequestRateLimiter limiter, SettingsStore settings, DaemonOptions options)
{
    public const string CookieName = "session";
    private static readonly PublicEndpoint RejectionEndpoint = new(rateLimited: true);
    private readonly HashSet<string> _origins = new(options.CorsOrigins, StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        // Routing's own 405/415 answers are endpoints without a route: they reveal nothing, so the caller sees why.
        var access = endpoint is null or RouteEndpoint ? endpoint?.Metadata.GetMetadata<PublicEndpoint>() : RejectionEndpoint;
        var (token, fromCookie) = ReadToken(context.Request, endpoint);
        var session = token is null ? null : await sessions.FindAsync(token, context.RequestAborted);
        // From anywhere else the cookie is no credential for a change: the request counts as anonymous.
        var crossSiteCookie = session is not null && fromCookie && !IsSafe(context.Request.Method) &&
                              !RequestOrigins.IsFromAllowedOrigin(context.Request, _origins);
        if (crossSiteCookie)
        {
            session = null;
        }
        if (session is not null)
        {
            context.Features.Set(session);
        }

        if (access is null || access.RateLimited)
        {
            var allowed = session is not null
                ? limiter.TryAcquire(session.TokenHash, settings.GetInt32(SettingsCatalog.OwnerRateLimit), out var retryAfter)
                : limiter.TryAcquire(ClientKey(context), settings.GetInt32(SettingsCatalog.AnonymousRateLimit), out retryAfter);
            if (!allowed)
            {
                await RejectRateLimitedAsync(context, retryAfter);
                return;
            }
        }

        if (access is null && crossSiteCookie)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
                "A change signed in by the session cookie must come from the daemon's own page or an origin in OPENMOTOKO_CORS_ORIGINS " +
                "(this request's Origin does not match). Scripts and other programs: send 'Authorization: Bearer <token>' instead.");
            return;
        }
        if (access is null && session is null)
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
                token is null ? "Log in first: send the session cookie or 'Authorization: Bearer <token>'." : "The session is unknown or has expired: log in again.");
            return;
        }
        await next(context);
    }

    /// <summary>The rate-limit key of a caller without a session: its address.</summary>
    public static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public static Task RejectRateLimitedAsync(HttpContext context, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
            $"Too many requests: try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.");
    }

    private static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    /// <summary>The bearer token, else the query token where an endpoint takes one, else the session cookie; and whether it came from the cookie.</summary>
    private static (string? Token, bool FromCookie) ReadToken(HttpRequest request, Endpoint? endpoint)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization[7..].Trim();
            return (token.Length > 0 ? token : null, false);
        }
        // Before the cookie: a request that names a token is judged by it alone (a repeated or empty one matches no session).
        if (endpoint?.Metadata.GetMetadata<QueryTokenEndpoint>() is not null && request.Query.TryGetValue("token", out var query))
        {
            return (query is [{ } single] ? single : "", false);
        }
        return request.Cookies.TryGetValue(CookieName, out var cookie) && !string.IsNullOrEmpty(cookie) ? (cookie, true) : (null, false);
    }
}
