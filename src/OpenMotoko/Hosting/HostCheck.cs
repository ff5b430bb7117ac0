using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace OpenMotoko.Hosting;

/// <summary>
/// Answers only requests that name the daemon by a host it is known by, so a DNS-rebinding page
/// (a name of the attacker's that now points at this machine) is refused: the bind address,
/// localhost and loopback addresses, names listed in OPENMOTOKO_ALLOWED_HOSTS, and when bound to
/// 0.0.0.0 or :: any IP address (a browser sends an address as Host only when it was pointed at that
/// address itself, so it cannot be a rebinding name). Anything else gets 421 MISDIRECTED_REQUEST.
/// </summary>
internal sealed class HostCheck
{
    private readonly IPAddress? _bound;
    private readonly bool _anyAddress;
    private readonly HashSet<string> _names;

    public HostCheck(string bindHost, IEnumerable<string> allowedNames)
    {
        _names = new HashSet<string>(allowedNames, StringComparer.OrdinalIgnoreCase) { "localhost" };
        if (IPAddress.TryParse(bindHost, out var bound))
        {
            _bound = bound;
            _anyAddress = bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any);
        }
    }

    public bool Allows(HostString host)
    {
        var name = Bare(host.Host);
        if (name.Length == 0)
        {
            return true; // HTTP/1.0 without Host: no browser, so no rebinding
        }
        if (IPAddress.TryParse(name, out var address))
        {
            return IPAddress.IsLoopback(address) || _anyAddress || address.Equals(_bound) || _names.Contains(address.ToString());
        }
        return _names.Contains(name);
    }

    /// <summary>One entry of OPENMOTOKO_ALLOWED_HOSTS: a host name or IP address, without scheme or port.</summary>
    public static string ParseConfigured(string value)
    {
        var name = Bare(value);
        return Uri.CheckHostName(name) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6 ? name
            : throw new StartupException($"OPENMOTOKO_ALLOWED_HOSTS: '{value}' is not a host name. List the names the daemon is reached by " +
                                         "(e.g. openmotoko.example.com,pi.tailnet.ts.net), without scheme or port, separated by commas.");
    }

    private static string Bare(string host) => host.Trim().TrimStart('[').TrimEnd(']').TrimEnd('.').ToLowerInvariant();
}

internal static class RequestGuardExtensions
{
    /// <summary>
    /// What comes before CORS and routing: X-Forwarded-For/-Proto, believed only from the proxies in
    /// OPENMOTOKO_TRUSTED_PROXIES (so the client's address and https reach the lock-out and the
    /// cookie), then the Host check.
    /// </summary>
    public static void UseRequestGuards(this WebApplication app, string bindHost, DaemonOptions options)
    {
        if (options.TrustedProxies is { Length: > 0 } proxies)
        {
            var forwarded = new ForwardedHeadersOptions
            {
                ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
                ForwardLimit = null, // walk back through every trusted hop to the first untrusted address
            };
            forwarded.KnownIPNetworks.Clear(); // the defaults trust loopback; only the configured proxies count
            forwarded.KnownProxies.Clear();
            foreach (var proxy in proxies)
            {
                forwarded.KnownProxies.Add(proxy);
                if (proxy.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                {
                    forwarded.KnownProxies.Add(proxy.MapToIPv6()); // as a dual-mode socket reports it
                }
            }
            // What the socket said, before X-Forwarded-For rewrites it: sign-in by Tailscale identity
            // must see the direct peer (loopback for 'tailscale serve') even when loopback is a trusted proxy.
            app.Use((context, next) =>
            {
                context.Features.Set(new DirectPeer(context.Connection.RemoteIpAddress, context.Request.Headers["X-Forwarded-For"]));
                return next(context);
            });
            app.UseForwardedHeaders(forwarded);
        }
        var check = new HostCheck(bindHost, options.AllowedHosts);
        app.Use(async (context, next) =>
        {
            if (!check.Allows(context.Request.Host))
            {
                var name = context.Request.Host.Host;
                await ApiErrors.WriteAsync(context, StatusCodes.Status421MisdirectedRequest, ErrorCodes.MisdirectedRequest,
                    $"This daemon does not answer to the host name '{(name.Length > 100 ? name[..100] : name)}'. " +
                    "If you reach it by that name, add it to OPENMOTOKO_ALLOWED_HOSTS.");
                return;
            }
            await next(context);
        });
    }
}

/// <summary>The TCP peer and the X-Forwarded-For header as they arrived, before the forwarded-headers step.</summary>
internal sealed record DirectPeer(System.Net.IPAddress? Address, Microsoft.Extensions.Primitives.StringValues ForwardedFor);
