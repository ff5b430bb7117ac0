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
                    var close = command.IndexOf(c, i + 1);
                    if (close < 0)
                    {
                        error = $"a {(c == '"' ? "double" : "single")} quote is not closed";
                        return null;
                    }
                    for (var j = i + 1; j < close; j++)
                    {
                        if (Refusal(command[j], quoted: true) is { } inside)
                        {
                            error = Refuse(inside);
                            return null;
                        }
                        word.Append(command[j]);
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
