using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Channels.Plugins;

/// <summary>The API's view of plugins (/api/channel-plugins).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PluginView))]
[JsonSerializable(typeof(PluginView[]))]
internal sealed partial class PluginsJsonContext : JsonSerializerContext;

/// <summary>The plugin wire: JSON lines, camelCase, absent fields left out.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PluginLine))]
[JsonSerializable(typeof(PluginCommand))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class PluginWireJsonContext : JsonSerializerContext;
