using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMotoko.Registry;

/// <summary>index.json as the registry sends it; every field is checked before it becomes a <see cref="RegistryEntry"/>.</summary>
internal sealed record IndexDocument(int? Version, IReadOnlyList<IndexEntry?>? Entries);

internal sealed record IndexEntry(
    string? Id, string? Name, string? Description, string? Version, string? Author, IReadOnlyList<string?>? Tags,
    bool? Verified, double? Rating, long? Downloads, string? Sha256, long? Size, string? Url)
{
    /// <summary>The entry, or null with the reason when it breaks the protocol.</summary>
    public RegistryEntry? ToEntry(out string problem)
    {
        problem = Id is null || !RegistrySlug.IsValid(Id) ? "id is missing or not a slug"
            : string.IsNullOrWhiteSpace(Version) ? "version is missing"
            : Sha256 is null || Sha256.Length != 64 || !Sha256.All(char.IsAsciiHexDigit) ? "sha256 is not 64 hex digits"
            : Size is null or <= 0 ? "size is missing"
            : string.IsNullOrWhiteSpace(Url) ? "url is missing"
            : "";
        if (problem.Length > 0)
        {
            return null;
        }
        return new RegistryEntry(Id!, string.IsNullOrWhiteSpace(Name) ? Id! : Name, Description ?? "", Version!, Author ?? "",
            [.. (Tags ?? []).OfType<string>().Where(t => t.Length > 0)], Verified ?? false, Rating ?? 0, Downloads ?? 0,
            Sha256!.ToLowerInvariant(), Size!.Value, Url!);
    }
}

/// <summary>POST {url}/ratings.</summary>
internal sealed record RatingSubmission(string SkillId, int Stars, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Comment);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IndexDocument))]
[JsonSerializable(typeof(RatingSubmission))]
internal sealed partial class RegistryWireJsonContext : JsonSerializerContext;

/// <summary>Skill ids: lowercase letters, digits and single hyphens, safe as a folder name on every OS.</summary>
internal static class RegistrySlug
{
    public static bool IsValid(string id) =>
        id.Length is >= 1 and <= 64 && id[0] != '-' && id[^1] != '-' && !id.Contains("--", StringComparison.Ordinal) &&
        id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
