using System.Text;
using System.Text.RegularExpressions;

namespace OpenMotoko.Channels.Telegram;

/// <summary>
/// The model's Markdown as Telegram's HTML: fenced and inline code, bold, italic, strikethrough,
/// links and headings; every other <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> escaped. What this
/// cannot express exactly may still be refused by Telegram, and is then sent as plain text.
/// </summary>
internal static partial class TelegramHtml
{
    public static string FromMarkdown(string markdown)
    {
        var html = new StringBuilder(markdown.Length + 32);
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var code = (StringBuilder?)null;
        string? language = null;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                if (code is null)
                {
                    code = new StringBuilder();
                    language = line.Trim()[3..].Trim();
                }
                else
                {
                    AppendCode(html, code, language);
                    code = null;
                }
                continue;
            }
            if (code is not null)
            {
                code.Append(line).Append('\n');
                continue;
            }
            html.Append(Inline(line)).Append('\n');
        }
        if (code is not null)
        {
            AppendCode(html, code, language); // an unclosed fence: the rest is code
        }
        return html.ToString().TrimEnd('\n');
    }

    private static void AppendCode(StringBuilder html, StringBuilder code, string? language)
    {
        var body = Escape(code.ToString().TrimEnd('\n'));
        html.Append(language is { Length: > 0 } && SafeLanguage().IsMatch(language)
            ? $"<pre><code class=\"language-{language}\">{body}</code></pre>\n"
            : $"<pre>{body}</pre>\n");
    }

    /// <summary>One line outside code blocks: inline code spans are kept apart from the other markup.</summary>
    private static string Inline(string line)
    {
        var heading = Heading().Match(line);
        if (heading.Success)
        {
            return $"<b>{Inline(heading.Groups[1].Value)}</b>";
        }
        var result = new StringBuilder(line.Length + 16);
        var parts = new List<string>(line.Split('`'));
        if (parts.Count % 2 == 0)
        {
            parts[^2] = parts[^2] + "`" + parts[^1]; // an odd backtick count leaves the last one literal
            parts.RemoveAt(parts.Count - 1);
        }
        for (var i = 0; i < parts.Count; i++)
        {
            result.Append(i % 2 == 1 ? $"<code>{Escape(parts[i])}</code>" : Markup(Escape(parts[i])));
        }
        return result.ToString();
    }

    private static string Markup(string escaped)
    {
        var text = Link().Replace(escaped, m => $"<a href=\"{m.Groups[2].Value}\">{m.Groups[1].Value}</a>");
        text = Bold().Replace(text, static m => $"<b>{m.Groups[2].Value}</b>");
        text = Strike().Replace(text, static m => $"<s>{m.Groups[1].Value}</s>");
        text = ItalicStar().Replace(text, static m => $"<i>{m.Groups[1].Value}</i>");
        return ItalicUnderscore().Replace(text, static m => $"<i>{m.Groups[1].Value}</i>");
    }

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    [GeneratedRegex(@"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"\[([^\]\n]+)\]\(((?:https?|tg|mailto):[^\s)""]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")]
    private static partial Regex Bold();

    [GeneratedRegex(@"~~(?=\S)(.+?)(?<=\S)~~")]
    private static partial Regex Strike();

    [GeneratedRegex(@"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=\S)\*(?![\w*])")]
    private static partial Regex ItalicStar();

    [GeneratedRegex(@"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=\S)_(?![\w_])")]
    private static partial Regex ItalicUnderscore();

    [GeneratedRegex(@"^[A-Za-z0-9_+\-#.]{1,32}$")]
    private static partial Regex SafeLanguage();
}
