using System.Text;
using System.Text.Json.Serialization;

namespace OpenMotoko.Artifacts;

/// <summary>An artifact at one version, content included (docs/api.md). <see cref="UpdatedAt"/> is when that version was written.</summary>
internal sealed record Artifact(
    string Id, string? ConversationId, string Type, string Title, string? Language, string Content,
    long Version, long Size, long CreatedAt, long UpdatedAt)
{
    public ArtifactSummary Summary() => new(Id, ConversationId, Type, Title, Language, Version, Size, CreatedAt, UpdatedAt);
}

/// <summary>An artifact in a list: its latest version without the content.</summary>
internal sealed record ArtifactSummary(
    string Id, string? ConversationId, string Type, string Title, string? Language, long Version, long Size, long CreatedAt, long UpdatedAt);

/// <summary>One page of artifacts, most recently updated first.</summary>
internal sealed record ArtifactPage(IReadOnlyList<ArtifactSummary> Items, long Total);

/// <summary>One version in an artifact's history.</summary>
internal sealed record ArtifactVersionInfo(long Version, string Title, long Size, long CreatedAt);

/// <summary>One page of an artifact's versions, newest first.</summary>
internal sealed record ArtifactVersionPage(IReadOnlyList<ArtifactVersionInfo> Items, long Total);

/// <summary>A new artifact's fields, already checked against <see cref="ArtifactRules"/>.</summary>
internal sealed record ArtifactDraft(string Type, string Title, string? Language, string Content);

/// <summary>What a PATCH (or update_artifact) changes; null leaves a field as it is, except <see cref="Language"/> when <see cref="LanguageGiven"/>.</summary>
internal sealed record ArtifactChanges(string? Type, string? Title, bool LanguageGiven, string? Language, string? Content);

/// <summary>The limits every way in (API and tools) applies to an artifact's fields.</summary>
internal static class ArtifactRules
{
    public const int MaxContentBytes = 1024 * 1024;
    public const int MaxTitle = 200;
    public const int MaxLanguage = 50;
    public const string Code = "code";

    public static readonly string[] Types = ["markdown", "code", "html", "svg", "mermaid", "json", "text"];

    public static int Size(string content) => Encoding.UTF8.GetByteCount(content);

    public static string? TypeProblem(string type) =>
        Array.IndexOf(Types, type) >= 0 ? null : $"type must be one of {string.Join(", ", Types)}";

    public static string? TitleProblem(string title) =>
        title.Length is >= 1 and <= MaxTitle ? null : $"title must be 1 to {MaxTitle} characters (not blank)";

    /// <summary>A language is a short name (python, c#, ts) and only goes with type code.</summary>
    public static string? LanguageProblem(string? language, string type)
    {
        if (language is null)
        {
            return null;
        }
        if (type != Code)
        {
            return $"language is only for type code (this artifact is {type})";
        }
        return language.Length is >= 1 and <= MaxLanguage && language.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '#' or '-' or '_' or '.')
            ? null
            : $"language must be 1 to {MaxLanguage} letters, digits or + # - _ . (e.g. python, c#)";
    }

    public static string TooLarge(long size) =>
        $"content is {size} bytes in UTF-8; an artifact holds at most {MaxContentBytes} bytes (1 MiB)";
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Artifact))]
[JsonSerializable(typeof(ArtifactPage))]
[JsonSerializable(typeof(ArtifactVersionPage))]
internal sealed partial class ArtifactsJsonContext : JsonSerializerContext;
