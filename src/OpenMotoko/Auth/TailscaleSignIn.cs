using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Auth;

/// <summary>
/// Sign-in by Tailscale identity (opt-in: <c>auth.tailscaleIdentity</c> plus <c>auth.tailscaleUsers</c>).
/// <c>tailscale serve</c> proxies a tailnet user's request from loopback, adds that user's login as
/// <c>Tailscale-User-Login</c> and their tailnet address as the only <c>X-Forwarded-For</c>. Only such a
/// request counts: the peer must be loopback and the single forwarded address a Tailscale one, so a
/// request from elsewhere, or through another proxy that forwards a public address, never gets in.
/// </summary>
internal static class TailscaleSignIn
{
    public const string LoginHeader = "Tailscale-User-Login";

    // 100.64.0.0/10 (IPv4 addresses Tailscale hands out) and fd7a:115c:a1e0::/48 (its IPv6 prefix).
    private static readonly IPNetwork TailnetV4 = IPNetwork.Parse("100.64.0.0/10");
    private static readonly IPNetwork TailnetV6 = IPNetwork.Parse("fd7a:115c:a1e0::/48");

    public static async Task<Results<Ok<LoginResponse>, JsonHttpResult<ApiError>>> SignInAsync(
        HttpContext context, [FromServices] SettingsStore settings, [FromServices] SessionStore sessions, [FromServices] ILogger<LoginGuard> logger)
    {
        if (settings.Get(SettingsCatalog.TailscaleIdentity) is not { ValueKind: JsonValueKind.True })
        {
            return Refuse("Sign-in through Tailscale is off: set auth.tailscaleIdentity to true and list the logins in auth.tailscaleUsers.");
        }
        var direct = context.Features.Get<DirectPeer>() ?? new DirectPeer(context.Connection.RemoteIpAddress, context.Request.Headers["X-Forwarded-For"]);
        if (!CameThroughTailscaleServe(direct.Address, direct.ForwardedFor))
        {
            return Refuse("Sign-in through Tailscale works only for requests that 'tailscale serve' forwards from this machine; log in with the password.");
        }
        var login = context.Request.Headers[LoginHeader] is [{ Length: > 0 and <= 320 } single] ? single : null;
        if (login is null)
        {
            return Refuse("The request carries no Tailscale-User-Login; log in with the password.");
        }
        if (!Allowed(settings, login))
        {
            AuthLog.TailscaleRefused(logger, login);
            return Refuse("This Tailscale login is not in auth.tailscaleUsers; log in with the password.");
        }
        var (token, session) = await sessions.CreateAsync("tailscale:" + login, context.RequestAborted);
        AuthApi.SetSessionCookie(context, token, session);
        AuthLog.TailscaleSignedIn(logger, login);
        return TypedResults.Ok(new LoginResponse(true, token, session.ExpiresAt));
    }

    /// <summary>True for a loopback peer whose one forwarded address is a tailnet address.</summary>
    public static bool CameThroughTailscaleServe(IPAddress? peer, Microsoft.Extensions.Primitives.StringValues forwardedFor)
    {
        if (peer is { IsIPv4MappedToIPv6: true })
        {
            peer = peer.MapToIPv4();
        }
        if (peer is null || !IPAddress.IsLoopback(peer) || forwardedFor is not [{ } value] || value.Contains(','))
        {
            return false;
        }
        if (!IPAddress.TryParse(value.Trim(), out var client))
        {
            return false;
        }
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }
        return client.AddressFamily == AddressFamily.InterNetwork ? TailnetV4.Contains(client) : TailnetV6.Contains(client);
    }

    private static bool Allowed(SettingsStore settings, string login)
    {
        if (settings.Get(SettingsCatalog.TailscaleUsers) is not { ValueKind: JsonValueKind.Array } users)
        {
            return false;
        }
        foreach (var user in users.EnumerateArray())
        {
            if (user.ValueKind == JsonValueKind.String && string.Equals(user.GetString(), login, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static JsonHttpResult<ApiError> Refuse(string message) =>
        ApiErrors.Of(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, message);
}
