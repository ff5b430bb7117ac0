using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Channels;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ChannelView[]))]
[JsonSerializable(typeof(ChannelView))]
[JsonSerializable(typeof(IReadOnlyList<SenderView>))]
[JsonSerializable(typeof(PairingApproved))]
internal sealed partial class ChannelsJsonContext : JsonSerializerContext;
