using System.Text;

namespace OpenMotoko.Skills.Shell;

/// <summary>
/// Splits a command into argv for allowlist mode, where it runs without a shell. Quotes and
/// backslash escapes are honoured; anything that would need a shell to mean what it says (pipes,
/// redirections, lists, substitutions, variables, globs, newlines) is refused, not passed on.
/// </summary>
internal static class AllowlistCommand
{
    public static IReadOnlyList<string>? Parse(string command, out string error)
    {
        error = "";
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (Refusal(c, quoted: false) is { } reason)
            {
                error = Refuse(reason);
                return null;
            }
            switch (c)
            {
                case ' ' or '\t':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }
                    continue;
                case '\\':
                    if (++i == command.Length)
                    {
                        error = "the command ends with a lone backslash";
                        return null;
                    }
                    word.Append(command[i]);
                    break;
                case '\'' or '"':
                    var close = ReadQuoted(command, i, word, out error);
                    if (close < 0)
                    {
                        return null;
                    }
                    i = close;
                    break;
                default:
                    word.Append(c);
                    break;
            }
            inWord = true;
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        if (words.Count == 0)
        {
            error = "the command is empty";
            return null;
        }
        return words;
    }

    /// <summary>Appends a quoted part to the word; returns the index of the closing quote, or -1 with an error.</summary>
    private static int ReadQuoted(string command, int open, StringBuilder word, out string error)
    {
        error = "";
        var quote = command[open];
        for (var j = open + 1; j < command.Length; j++)
        {
            var c = command[j];
            if (c == quote)
            {
                return j;
            }
            if (Refusal(c, quoted: true) is { } inside)
            {
                error = Refuse(inside);
                return -1;
            }
            // Inside double quotes a backslash escapes only a quote or a backslash, as in sh.
            if (quote == '"' && c == '\\' && j + 1 < command.Length && command[j + 1] is ('"' or '\\'))
            {
                c = command[++j];
            }
            word.Append(c);
        }
        error = $"a {(quote == '"' ? "double" : "single")} quote is not closed";
        return -1;
    }

    private static string Refuse(string what) =>
        $"{what} is not allowed in allowlist mode: commands run without a shell, so give one program and its arguments";

    private static string? Refusal(char c, bool quoted) => c switch
    {
        '\n' or '\r' => "a newline",
        '\0' => "a NUL character",
        '`' => "a backtick (command substitution)",
        '$' => "'$' (variable expansion or command substitution)",
        _ when quoted => null,
        '|' => "'|' (a pipe)",
        '&' => "'&' (background or && list)",
        ';' => "';' (a command list)",
        '<' or '>' => $"'{c}' (a redirection)",
        '(' or ')' => $"'{c}' (a subshell)",
        '*' or '?' or '[' or ']' => $"'{c}' (a glob; quote it to pass it literally)",
        '{' or '}' => $"'{c}' (brace expansion; quote it to pass it literally)",
        '~' => "'~' (home expansion; quote it to pass it literally)",
        '#' => "'#' (a comment; quote it to pass it literally)",
        _ => null,
    };
}
