using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OpenMotoko.Approvals;

/// <summary>
/// Renders a tool call's arguments so that what the owner reads is what will run: indented JSON
/// whose strings show every character that a screen would hide. Runs of spaces become
/// <c>␠×N</c>; control, format (zero-width, bidi overrides, tags), unusual whitespace and other
/// invisible characters become <c>\uXXXX</c> escapes. Nothing is cut or redacted.
/// </summary>
internal static class ApprovalDisplay
{
    /// <summary>The most argument JSON (UTF-8 bytes) an approval shows; a larger call is refused without asking.</summary>
    public const int MaxArgumentBytes = 64 * 1024;

    private const char SpaceMark = '\u2420'; // ␠

    public static string Render(JsonElement arguments)
    {
        var text = new StringBuilder();
        Append(text, arguments, 0);
        return text.ToString();
    }

    private static void Append(StringBuilder text, JsonElement element, int indent)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = element.EnumerateObject().ToList();
                if (properties.Count == 0)
                {
                    text.Append("{}");
                    return;
                }
                text.Append('{');
                for (var i = 0; i < properties.Count; i++)
                {
                    text.Append(i == 0 ? "\n" : ",\n").Append(' ', (indent + 1) * 2);
                    AppendString(text, properties[i].Name);
                    text.Append(": ");
                    Append(text, properties[i].Value, indent + 1);
                }
                text.Append('\n').Append(' ', indent * 2).Append('}');
                return;
            case JsonValueKind.Array:
                var items = element.EnumerateArray().ToList();
                if (items.Count == 0)
                {
                    text.Append("[]");
                    return;
                }
                text.Append('[');
                for (var i = 0; i < items.Count; i++)
                {
                    text.Append(i == 0 ? "\n" : ",\n").Append(' ', (indent + 1) * 2);
                    Append(text, items[i], indent + 1);
                }
                text.Append('\n').Append(' ', indent * 2).Append(']');
                return;
            case JsonValueKind.String:
                AppendString(text, element.GetString()!);
                return;
            case JsonValueKind.Undefined:
                text.Append("{}");
                return;
            default:
                text.Append(element.GetRawText());
                return;
        }
    }

    /// <summary>Writes <paramref name="value"/> quoted, every hidden character made visible.</summary>
    public static void AppendString(StringBuilder text, string value)
    {
        text.Append('"');
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c == ' ')
            {
                var run = 1;
                while (i + run < value.Length && value[i + run] == ' ')
                {
                    run++;
                }
                // A single space reads as one; a run is counted, since screens (and HTML) squeeze it.
                text.Append(run == 1 ? " " : $"{SpaceMark}×{run.ToString(CultureInfo.InvariantCulture)}");
                i += run;
                continue;
            }
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                Escape(text, c); // a lone surrogate
                i++;
                continue;
            }
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                default:
                    if (IsHidden(rune))
                    {
                        foreach (var unit in value.AsSpan(i, consumed))
                        {
                            Escape(text, unit);
                        }
                    }
                    else
                    {
                        text.Append(value, i, consumed);
                    }
                    break;
            }
            i += consumed;
        }
        text.Append('"');
    }

    /// <summary>Characters that show as nothing, as blank, or change how the text around them looks.</summary>
    private static bool IsHidden(Rune rune)
    {
        var value = rune.Value;
        if (value == SpaceMark)
        {
            return true; // else a literal ␠×5 could pass for a run of spaces
        }
        switch (Rune.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.Control:
            case UnicodeCategory.Format:
            case UnicodeCategory.SpaceSeparator:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
            case UnicodeCategory.PrivateUse:
            case UnicodeCategory.Surrogate:
            case UnicodeCategory.OtherNotAssigned:
                return true;
        }
        return value is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x2800 or 0x3164 or 0xFFA0 or 0xFFFC
            or (>= 0x180B and <= 0x180F) or (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF);
    }

    private static void Escape(StringBuilder text, char unit) =>
        text.Append("\\u").Append(((int)unit).ToString("x4", CultureInfo.InvariantCulture));
}
