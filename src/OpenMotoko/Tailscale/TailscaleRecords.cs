using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Tailscale;

internal sealed record ServeState(bool Enabled, string? Url, int? Port);

internal sealed record TailscaleStatus(
    bool Installed, bool Running, string? Version, string? Hostname, string? DnsName, string? Tailnet,
    string? Ipv4, string? Ipv6, bool Online, ServeState Serve, string? BackendState);

internal sealed record TailscaleNode(string Id, string Hostname, string? DnsName, string? Os, bool Online, string? Ipv4, string? Ipv6, string? LastSeen);

internal sealed record ServeStarted(string Url, int Port);

internal sealed record ServeStopped(bool Stopped);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TailscaleStatus))]
[JsonSerializable(typeof(List<TailscaleNode>))]
[JsonSerializable(typeof(ServeStarted))]
[JsonSerializable(typeof(ServeStopped))]
internal sealed partial class TailscaleJsonContext : JsonSerializerContext;
