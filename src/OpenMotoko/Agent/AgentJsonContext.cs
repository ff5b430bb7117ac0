using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Agent;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AgentRunInfo))]
[JsonSerializable(typeof(AgentRunList))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
