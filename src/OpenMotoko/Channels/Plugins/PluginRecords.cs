using System.Text.Json.Nodes;

namespace OpenMotoko.Channels.Plugins;

/// <summary>An installed plugin as stored: where it came from, how it starts, and what its last hello said.</summary>
internal sealed record PluginRow(
    string Id, string Source, string? Package, string Path, string Command, string? Name, string? Version, string? ConfigSchema, long InstalledAt)
{
    public string[] Argv => System.Text.Json.JsonSerializer.Deserialize(Command, PluginWireJsonContext.Default.StringArray) ?? [];

    public JsonObject? Schema => ConfigSchema is null ? null : JsonNode.Parse(ConfigSchema) as JsonObject;
}

/// <summary>A plugin as GET /api/channel-plugins shows it; its channel (settings, status) is under /api/channels/:id.</summary>
internal sealed record PluginView(
    string Id, string Source, string? Package, string Path, string[] Command, string? Name, string? Version, JsonObject? ConfigSchema,
    long InstalledAt, string Status, string? LastError)
{
    public static PluginView From(PluginRow row, ChannelState state) =>
        new(row.Id, row.Source, row.Package, row.Path, row.Argv, row.Name, row.Version, row.Schema, row.InstalledAt, state.Status, state.LastError);
}

internal static class PluginSources
{
    public const string Npm = "npm";
    public const string Path = "path";
}

internal static class PluginErrorCodes
{
    public const string InstallFailed = "PLUGIN_INSTALL_FAILED";
}
