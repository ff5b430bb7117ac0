using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Events;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AgentEvent))]
internal sealed partial class EventsJsonContext : JsonSerializerContext;
