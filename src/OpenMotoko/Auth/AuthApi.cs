using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Auth;

internal static class AuthApi
{
    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/auth");
        // The login route limits itself: the lock-out answers first, then the generic limit.
        group.MapPost("/login", Login).Public(rateLimited: false);
        group.MapPost("/tailscale", TailscaleSignIn.SignInAsync).Public(rateLimited: true);
        group.MapPost("/logout", Logout);
        group.MapPost("/password", PasswordChange.ChangeAsync).Validated<PasswordChangeRequest>();
        return group;
    }

    private static async Task<Results<Ok<LoginResponse>, JsonHttpResult<ApiError>>> Login(
        LoginRequest request, HttpContext context, [FromServices] OwnerPassword password, [FromServices] LoginGuard guard, [FromServices] RequestRateLimiter limiter,
        [FromServices] SettingsStore settings, [FromServices] SessionStore sessions, [FromServices] ILogger<LoginGuard> logger)
    {
        var client = AccessControlMiddleware.ClientKey(context);
        var cancellationToken = context.RequestAborted;
        if (await guard.LockedAsync(client, cancellationToken) is { } locked)
        {
            return Locked(context, locked);
        }
        if (!limiter.TryAcquire(client, settings.GetInt32(SettingsCatalog.AnonymousRateLimit), out var retryAfter))
        {
            context.Response.Headers.RetryAfter = Seconds(retryAfter);
            return ApiErrors.Of(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, $"Too many requests: try again in {Seconds(retryAfter)} s.");
        }
        if (string.IsNullOrEmpty(request.Password))
        {
            return ApiErrors.Validation("password", "password is required");
        }
        if (!password.IsFromEnvironment)
        {
            await password.ReloadAsync(cancellationToken);
        }
        if (!password.IsConfigured)
        {
            return ApiErrors.Of(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
                "No password is set. Set OPENMOTOKO_PASSWORD or run 'openmotoko passwd', then log in.");
        }
        // Counted before it is checked, so a burst of concurrent guesses cannot all slip past the limit.
        var (refused, lockedNow) = await guard.ReserveAsync(client, cancellationToken);
        if (refused is { } lockOut)
        {
            return Locked(context, lockOut);
        }
        if (!password.Verify(request.Password))
        {
            AuthLog.LoginFailed(logger, client, lockedNow is not null);
            return lockedNow is { } started ? Locked(context, started)
                : ApiErrors.Of(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Wrong password.");
        }

        await guard.SucceededAsync(client, cancellationToken);
        var (token, session) = await sessions.CreateAsync(client, cancellationToken);
        SetSessionCookie(context, token, session);
        AuthLog.LoggedIn(logger, client);
        return TypedResults.Ok(new LoginResponse(true, token, session.ExpiresAt));
    }

    /// <summary>Hands a new session to the browser as its cookie; the answer's body holds the token, so nothing caches it.</summary>
    public static void SetSessionCookie(HttpContext context, string token, Session session)
    {
        context.Response.Cookies.Append(AccessControlMiddleware.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Secure = context.Request.IsHttps,
            Expires = DateTimeOffset.FromUnixTimeMilliseconds(session.ExpiresAt),
        });
        context.Response.Headers.CacheControl = "no-store";
    }

    private static async Task<Ok<OkResponse>> Logout(HttpContext context, [FromServices] SessionStore sessions)
    {
        await sessions.DeleteAsync(context.Features.Get<Session>()!, context.RequestAborted);
        context.Response.Cookies.Delete(AccessControlMiddleware.CookieName, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Secure = context.Request.IsHttps,
        });
        return TypedResults.Ok(new OkResponse(true));
    }

    public static JsonHttpResult<ApiError> Locked(HttpContext context, LoginLock locked)
    {
        context.Response.Headers.RetryAfter = Seconds(locked.For);
        var wait = locked.For.TotalSeconds < 120 ? $"{Seconds(locked.For)} s" : $"{Math.Ceiling(locked.For.TotalMinutes)} minute(s)";
        return ApiErrors.Of(StatusCodes.Status429TooManyRequests, ErrorCodes.LoginLocked, locked.Everyone
            ? $"Too many failed logins: logging in is paused for everyone; try again in {wait}. On the daemon's machine, 'openmotoko unlock' lifts it."
            : $"Too many failed logins from this address: try again in {wait}. On the daemon's machine, 'openmotoko unlock' lifts it.");
    }

    private static string Seconds(TimeSpan span) =>
        Math.Max(1, (int)Math.Ceiling(span.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

internal static partial class AuthLog
{
    [LoggerMessage(1, LogLevel.Warning, "Failed login from {Client} (locked out now: {LockedOut})")]
    public static partial void LoginFailed(ILogger logger, string client, bool lockedOut);

    [LoggerMessage(2, LogLevel.Information, "Owner logged in from {Client}")]
    public static partial void LoggedIn(ILogger logger, string client);

    [LoggerMessage(3, LogLevel.Information, "Owner signed in through Tailscale as {Login}")]
    public static partial void TailscaleSignedIn(ILogger logger, string login);

    [LoggerMessage(4, LogLevel.Warning, "Tailscale sign-in refused for login {Login}")]
    public static partial void TailscaleRefused(ILogger logger, string login);

    [LoggerMessage(5, LogLevel.Warning, "Password change from {Client} refused: wrong current password (locked out now: {LockedOut})")]
    public static partial void PasswordChangeRefused(ILogger logger, string client, bool lockedOut);

    [LoggerMessage(6, LogLevel.Information, "Owner changed the password from {Client}; every other session was ended")]
    public static partial void PasswordChanged(ILogger logger, string client);
}
