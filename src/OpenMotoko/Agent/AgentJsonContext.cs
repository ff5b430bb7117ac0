using System.Text.Json;
using System.Text.Json.Serialization;
using OpenMotoko.Agent.Delegation;

namespace OpenMotoko.Agent;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AgentRunView))]
[JsonSerializable(typeof(AgentRunPage))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
