using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Hosting;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
