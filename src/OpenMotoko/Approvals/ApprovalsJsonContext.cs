using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Approvals;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<ApprovalView>))]
[JsonSerializable(typeof(ApprovalDecisionResponse))]
internal sealed partial class ApprovalsJsonContext : JsonSerializerContext;
