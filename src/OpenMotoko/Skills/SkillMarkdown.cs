namespace OpenMotoko.Skills;

/// <summary>
/// An instruction skill's SKILL.md: YAML front matter with <c>name</c> and <c>description</c>
/// (one-line scalars, optionally quoted), then the instructions in Markdown.
/// </summary>
internal sealed record SkillMarkdown(string Name, string Description, string Instructions)
{
    public const string FileName = "SKILL.md";
    public const int MaxBytes = 256 * 1024;

    /// <summary>Parses SKILL.md text; on failure returns null and says what is wrong in <paramref name="error"/>.</summary>
    public static SkillMarkdown? TryParse(string text, out string error)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF');
        if (!text.StartsWith("---\n", StringComparison.Ordinal))
        {
            error = "SKILL.md must start with a '---' line opening its front matter";
            return null;
        }
        var end = text.IndexOf("\n---", 3, StringComparison.Ordinal);
        if (end < 0)
        {
            error = "SKILL.md front matter is not closed with a '---' line";
            return null;
        }
        string? name = null, description = null;
        foreach (var raw in text[4..end].Split('\n'))
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || char.IsWhiteSpace(raw[0]))
            {
                continue; // nested or continuation lines carry fields we do not use
            }
            var key = raw[..colon].Trim();
            var value = Unquote(raw[(colon + 1)..].Trim());
            if (key == "name")
            {
                name = value;
            }
            else if (key == "description")
            {
                description = value;
            }
        }
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            error = "SKILL.md front matter needs a 'name' of 1 to 100 characters";
            return null;
        }
        if (string.IsNullOrWhiteSpace(description) || description.Length > 1_000)
        {
            error = "SKILL.md front matter needs a 'description' of 1 to 1000 characters";
            return null;
        }
        var bodyStart = text.IndexOf('\n', end + 4);
        var body = bodyStart < 0 ? "" : text[(bodyStart + 1)..].Trim();
        error = "";
        return new SkillMarkdown(name, description, body);
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'')
            ? value[1..^1] : value;
}
