using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Skills;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<SkillView>))]
[JsonSerializable(typeof(SkillToggleResponse))]
internal sealed partial class SkillsJsonContext : JsonSerializerContext;
