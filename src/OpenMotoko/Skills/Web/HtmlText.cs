using System.Net;
using System.Text;

namespace OpenMotoko.Skills.Web;

/// <summary>Turns an HTML page into readable text: no scripts or styles, block elements on their own lines, entities decoded.</summary>
internal static class HtmlText
{
    private static readonly HashSet<string> Skipped = new(
        ["script", "style", "noscript", "template", "svg", "iframe", "object", "canvas"], StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> Blocks = new(
        ["p", "div", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "tr", "section", "article",
         "header", "footer", "nav", "main", "aside", "blockquote", "pre", "form", "dl", "dt", "dd", "figure",
         "figcaption", "address", "details", "summary", "body", "html"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Returns the page's title (or null) and its text.</summary>
    public static (string? Title, string Text) Convert(string html)
    {
        var text = new StringBuilder(html.Length / 2);
        string? title = null;
        var i = 0;
        while (i < html.Length)
        {
            var open = html.IndexOf('<', i);
            if (open < 0)
            {
                AppendText(text, html.AsSpan(i));
                break;
            }
            AppendText(text, html.AsSpan(i, open - i));
            if (string.CompareOrdinal(html, open, "<!--", 0, 4) == 0)
            {
                var endComment = html.IndexOf("-->", open + 4, StringComparison.Ordinal);
                i = endComment < 0 ? html.Length : endComment + 3;
                continue;
            }
            var close = html.IndexOf('>', open + 1);
            if (close < 0)
            {
                break;
            }
            var (name, closing) = TagName(html.AsSpan(open + 1, close - open - 1));
            i = close + 1;
            if (!closing && name.Equals("title", StringComparison.OrdinalIgnoreCase) && title is null)
            {
                var end = html.IndexOf("</title", i, StringComparison.OrdinalIgnoreCase);
                title = Clean(html[i..(end < 0 ? html.Length : end)]);
                i = end < 0 ? html.Length : SkipPast(html, end);
            }
            else if (!closing && Skipped.Contains(name))
            {
                var end = html.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                i = end < 0 ? html.Length : SkipPast(html, end);
            }
            else if (name.Equals("li", StringComparison.OrdinalIgnoreCase) && !closing)
            {
                text.Append("\n- ");
            }
            else if (Blocks.Contains(name))
            {
                text.Append('\n');
            }
            else if (name.Equals("td", StringComparison.OrdinalIgnoreCase) || name.Equals("th", StringComparison.OrdinalIgnoreCase))
            {
                text.Append(' ');
            }
        }
        return (string.IsNullOrEmpty(title) ? null : title, Normalize(text.ToString()));
    }

    private static (string Name, bool Closing) TagName(ReadOnlySpan<char> tag)
    {
        var closing = tag.Length > 0 && tag[0] == '/';
        var start = closing ? 1 : 0;
        var end = start;
        while (end < tag.Length && (char.IsAsciiLetterOrDigit(tag[end]) || tag[end] == '-'))
        {
            end++;
        }
        return (tag[start..end].ToString(), closing);
    }

    private static int SkipPast(string html, int from)
    {
        var gt = html.IndexOf('>', from);
        return gt < 0 ? html.Length : gt + 1;
    }

    private static void AppendText(StringBuilder text, ReadOnlySpan<char> raw)
    {
        if (!raw.IsEmpty)
        {
            text.Append(WebUtility.HtmlDecode(raw.ToString()));
        }
    }

    private static string Clean(string raw) => string.Join(' ', WebUtility.HtmlDecode(raw).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Collapses runs of spaces within lines and keeps at most one blank line between blocks.</summary>
    private static string Normalize(string text)
    {
        var result = new StringBuilder(text.Length);
        var blankLines = 0;
        foreach (var line in text.Split('\n'))
        {
            var clean = string.Join(' ', line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            if (clean.Length == 0 || clean == "-")
            {
                blankLines++;
                continue;
            }
            if (result.Length > 0)
            {
                result.Append(blankLines > 0 ? "\n\n" : "\n");
            }
            result.Append(clean);
            blankLines = 0;
        }
        return result.ToString();
    }
}
