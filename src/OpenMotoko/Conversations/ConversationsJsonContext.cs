using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Conversations;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Conversation))]
[JsonSerializable(typeof(ConversationDetail))]
[JsonSerializable(typeof(ConversationPage))]
[JsonSerializable(typeof(MessageView))]
[JsonSerializable(typeof(IReadOnlyList<ToolCallView>))]
[JsonSerializable(typeof(IReadOnlyList<ToolResultView>))]
[JsonSerializable(typeof(AssistantReply))]
internal sealed partial class ConversationsJsonContext : JsonSerializerContext;
