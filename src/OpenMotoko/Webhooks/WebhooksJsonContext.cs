using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Webhooks;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WebhookView))]
[JsonSerializable(typeof(WebhookWithSecret))]
[JsonSerializable(typeof(WebhookPage))]
[JsonSerializable(typeof(TriggerAccepted))]
internal sealed partial class WebhooksJsonContext : JsonSerializerContext;
