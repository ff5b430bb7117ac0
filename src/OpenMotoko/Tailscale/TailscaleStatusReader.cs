using System.Text.Json;

namespace OpenMotoko.Tailscale;

/// <summary>Reads `tailscale status --json` and `tailscale serve status --json` (read as documents: only the fields we use).</summary>
internal static class TailscaleStatusReader
{
    /// <summary>The node's MagicDNS name without the trailing dot ("pi.tail1234.ts.net"), or null.</summary>
    public static string? DnsName(JsonElement node) => Text(node, "DNSName")?.TrimEnd('.') is { Length: > 0 } name ? name : null;

    public static TailscaleStatus Status(JsonElement root, ServeState serve)
    {
        var self = root.TryGetProperty("Self", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        var backend = Text(root, "BackendState");
        var tailnet = root.TryGetProperty("CurrentTailnet", out var t) && t.ValueKind == JsonValueKind.Object ? Text(t, "Name") : null;
        var ips = Addresses(self.ValueKind == JsonValueKind.Object ? self : root);
        return new TailscaleStatus(true, backend == "Running", Text(root, "Version"),
            self.ValueKind == JsonValueKind.Object ? Text(self, "HostName") : null,
            self.ValueKind == JsonValueKind.Object ? DnsName(self) : null,
            tailnet, ips.V4, ips.V6, self.ValueKind == JsonValueKind.Object && Flag(self, "Online"), serve, backend);
    }

    public static List<TailscaleNode> Nodes(JsonElement root)
    {
        var nodes = new List<TailscaleNode>();
        if (root.TryGetProperty("Self", out var self) && self.ValueKind == JsonValueKind.Object)
        {
            nodes.Add(Node(self));
        }
        if (root.TryGetProperty("Peer", out var peers) && peers.ValueKind == JsonValueKind.Object)
        {
            nodes.AddRange(peers.EnumerateObject().Select(peer => Node(peer.Value)).OrderBy(n => n.Hostname, StringComparer.OrdinalIgnoreCase));
        }
        return nodes;
    }

    /// <summary>Whether something is served on HTTPS, and on which port: `serve status --json` lists TCP ports and Web handlers.</summary>
    public static ServeState Serve(JsonElement serve, string? dnsName)
    {
        if (serve.ValueKind != JsonValueKind.Object || !serve.TryGetProperty("TCP", out var tcp) || tcp.ValueKind != JsonValueKind.Object)
        {
            return new ServeState(false, null, null);
        }
        foreach (var port in tcp.EnumerateObject())
        {
            if (port.Value.ValueKind == JsonValueKind.Object && Flag(port.Value, "HTTPS") && int.TryParse(port.Name, out var number))
            {
                return new ServeState(true, dnsName is null ? null : Url(dnsName, number), number);
            }
        }
        return new ServeState(false, null, null);
    }

    public static string Url(string dnsName, int port) => port == 443 ? $"https://{dnsName}/" : $"https://{dnsName}:{port}/";

    private static TailscaleNode Node(JsonElement node)
    {
        var ips = Addresses(node);
        var lastSeen = Text(node, "LastSeen");
        return new TailscaleNode(Text(node, "ID") ?? Text(node, "PublicKey") ?? "", Text(node, "HostName") ?? "", DnsName(node), Text(node, "OS"),
            Flag(node, "Online"), ips.V4, ips.V6, lastSeen is null || lastSeen.StartsWith("0001-", StringComparison.Ordinal) ? null : lastSeen);
    }

    private static (string? V4, string? V6) Addresses(JsonElement node)
    {
        if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty("TailscaleIPs", out var ips) || ips.ValueKind != JsonValueKind.Array)
        {
            return (null, null);
        }
        var all = ips.EnumerateArray().Where(ip => ip.ValueKind == JsonValueKind.String).Select(ip => ip.GetString()!).ToList();
        return (all.FirstOrDefault(ip => !ip.Contains(':', StringComparison.Ordinal)), all.FirstOrDefault(ip => ip.Contains(':', StringComparison.Ordinal)));
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static bool Flag(JsonElement element, string name) => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
