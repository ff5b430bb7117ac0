using System.Net;
using System.Net.Sockets;

namespace OpenMotoko.Skills.Web;

/// <summary>
/// Which addresses the web skill may connect to: public unicast only, unless the owner allow-listed
/// the host name, the address or a network containing it (setting <c>skills.web.allowHosts</c>).
/// </summary>
internal sealed class AddressPolicy
{
    // Loopback, private, link-local (incl. cloud metadata), CGNAT, benchmark, documentation, multicast, reserved.
    private static readonly IPNetwork[] BlockedV4 = Networks(
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4");

    // Unspecified/loopback/IPv4-compatible, discard, Teredo, documentation, ULA, link-local, site-local, multicast.
    private static readonly IPNetwork[] BlockedV6 = Networks(
        "::/96", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8");

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IPNetwork> _networks = [];

    public AddressPolicy(IEnumerable<string> allowed)
    {
        foreach (var raw in allowed)
        {
            var entry = raw.Trim().TrimStart('[').TrimEnd(']');
            if (IPNetwork.TryParse(entry, out var network))
            {
                _networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                address = Normalize(address);
                _networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else if (entry.Length > 0)
            {
                _hosts.Add(entry.TrimEnd('.'));
            }
        }
    }

    /// <summary>True when the owner allow-listed this host name itself.</summary>
    public bool IsHostAllowed(string host) => _hosts.Contains(host.TrimEnd('.'));

    /// <summary>True when connecting to this address is allowed.</summary>
    public bool IsAddressAllowed(IPAddress address)
    {
        var normal = Normalize(address);
        return _networks.Any(n => n.Contains(normal)) || !IsBlocked(normal);
    }

    /// <summary>True for any address that is not public unicast, including IPv6 forms that embed such an IPv4 address.</summary>
    public static bool IsBlocked(IPAddress address)
    {
        address = Normalize(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address.Equals(IPAddress.Broadcast) || BlockedV4.Any(n => n.Contains(address));
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return true;
        }
        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address))
        {
            return IsBlocked(new IPAddress(bytes.AsSpan(12, 4)));
        }
        if (SixToFour.Contains(address))
        {
            return IsBlocked(new IPAddress(bytes.AsSpan(2, 4)));
        }
        return BlockedV6.Any(n => n.Contains(address));
    }

    /// <summary>IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address it carries; scope ids are dropped.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes())
            : address;
    }

    private static IPNetwork[] Networks(params string[] cidrs) => [.. cidrs.Select(c => IPNetwork.Parse(c))];
}
