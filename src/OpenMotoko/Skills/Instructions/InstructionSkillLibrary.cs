using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using OpenMotoko.Hosting;

namespace OpenMotoko.Skills.Instructions;

/// <summary>One folder under <c>&lt;data dir&gt;/skills</c>: its SKILL.md parsed, or why it could not be.</summary>
internal sealed record InstructionSkill(string Id, string Name, string Description, string Version, string? Instructions, string? Error)
{
    public bool IsValid => Error is null;
}

/// <summary>
/// Finds the instruction skills installed in <c>&lt;data dir&gt;/skills/&lt;id&gt;/SKILL.md</c>. Reads are
/// size-limited and never throw: a broken folder is reported with its error, never crashes a listing.
/// </summary>
internal sealed partial class InstructionSkillLibrary(DaemonOptions options)
{
    private const int MaxSkills = 200;

    // The last parse of each SKILL.md, reused while its size and modification time are unchanged:
    // the prompt lists the skills on every message, and a stat is far cheaper than a read and parse.
    private readonly ConcurrentDictionary<string, (long Length, DateTime Modified, InstructionSkill Skill)> _parsed = new(StringComparer.Ordinal);

    public string Root { get; } = Path.Combine(options.DataDir, "skills");

    public IReadOnlyList<InstructionSkill> List()
    {
        string[] folders;
        try
        {
            folders = Directory.Exists(Root) ? Directory.GetDirectories(Root) : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        InstructionSkill[] skills = [.. folders
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(id => FolderId().IsMatch(id) && BuiltInSkills.Find(id) is null)
            .Order(StringComparer.Ordinal)
            .Take(MaxSkills)
            .Select(Read)];
        if (_parsed.Count > skills.Length)
        {
            foreach (var gone in _parsed.Keys.Except(skills.Select(skill => skill.Id), StringComparer.Ordinal))
            {
                _parsed.TryRemove(gone, out _);
            }
        }
        return skills;
    }

    /// <summary>The skill whose id or SKILL.md name is <paramref name="name"/> (case-insensitive), or null.</summary>
    public InstructionSkill? Find(string name)
    {
        var skills = List();
        return skills.FirstOrDefault(s => string.Equals(s.Id, name, StringComparison.OrdinalIgnoreCase))
               ?? skills.FirstOrDefault(s => s.IsValid && string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    private InstructionSkill Read(string id)
    {
        var path = Path.Combine(Root, id, SkillMarkdown.FileName);
        try
        {
            if (new DirectoryInfo(Path.Combine(Root, id)).LinkTarget is not null)
            {
                return Broken(id, "The skill folder is a symbolic link; skills must be plain folders.");
            }
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                return Broken(id, "The folder has no SKILL.md.");
            }
            if (file.LinkTarget is not null)
            {
                return Broken(id, "SKILL.md is a symbolic link; skills must be plain files.");
            }
            if (file.Length > SkillMarkdown.MaxBytes)
            {
                return Broken(id, $"SKILL.md is larger than {SkillMarkdown.MaxBytes / 1024} KiB.");
            }
            if (_parsed.TryGetValue(id, out var known) && known.Length == file.Length && known.Modified == file.LastWriteTimeUtc)
            {
                return known.Skill;
            }
            var skill = Parse(id, File.ReadAllText(path));
            _parsed[id] = (file.Length, file.LastWriteTimeUtc, skill); // as stat-ed before the read: a later change is seen next time
            return skill;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Broken(id, "SKILL.md cannot be read.");
        }
    }

    private static InstructionSkill Parse(string id, string text)
    {
        var markdown = SkillMarkdown.TryParse(text, out var error);
        return markdown is null
            ? Broken(id, error)
            : new InstructionSkill(id, markdown.Name, markdown.Description, VersionOf(text), markdown.Instructions, null);
    }

    private static InstructionSkill Broken(string id, string error) => new(id, id, "", "0.0.0", null, error);

    /// <summary>The optional <c>version:</c> line of the front matter (the parser keeps only name and description).</summary>
    private static string VersionOf(string text)
    {
        var match = VersionLine().Match(text.Replace("\r\n", "\n", StringComparison.Ordinal));
        return match.Success ? match.Groups[1].Value : "0.0.0";
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex FolderId();

    [GeneratedRegex(@"\A\uFEFF?---\n(?:(?!---\n)[^\n]*\n)*?version:[ \t]*[""']?([0-9A-Za-z.+-]{1,40})[""']?[ \t]*\n", RegexOptions.None, 1000)]
    private static partial Regex VersionLine();
}
