using System.Text;

namespace OpenMotoko.Skills.Memory;

/// <summary>
/// Turns free text into an FTS5 MATCH expression that cannot be a syntax error: only the words are
/// kept, each one a quoted string (so AND, OR, NEAR, *, ^, :, quotes and parentheses in the text are
/// never operators), joined with OR so bm25 ranks facts that share more words higher.
/// </summary>
internal static class FtsQuery
{
    public const int MaxTerms = 24;
    private const int MaxTermLength = 64;

    /// <summary>The MATCH expression, or null when the text has no words to search for.</summary>
    public static string? Build(string text)
    {
        var terms = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in Words(text))
        {
            var term = word.ToLowerInvariant();
            if (seen.Add(term))
            {
                // A prefix query ("term"*) also finds plurals and longer forms of words of 3+ letters.
                terms.Add(term.Length >= 3 ? $"\"{term}\"*" : $"\"{term}\"");
            }
            if (terms.Count == MaxTerms)
            {
                break;
            }
        }
        return terms.Count == 0 ? null : string.Join(" OR ", terms);
    }

    /// <summary>Runs of letters and digits, as the unicode61 tokenizer sees words.</summary>
    private static IEnumerable<string> Words(string text)
    {
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                if (current.Length < MaxTermLength)
                {
                    current.Append(rune.ToString());
                }
            }
            else if (current.Length > 0)
            {
                yield return current.ToString();
                current.Clear();
            }
        }
        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }
}
