using System.Text;

namespace OpenMotoko.Skills.Memory;

/// <summary>
/// Turns free text into an FTS5 MATCH expression that cannot be a syntax error: only the words are
/// kept, each one a quoted string (so AND, OR, NEAR, *, ^, :, quotes and parentheses in the text are
/// never operators), joined with OR so bm25 ranks facts that share more words higher. Common
/// function words are left out when the text has other words, so "the" does not match every fact.
/// </summary>
internal static class FtsQuery
{
    public const int MaxTerms = 24;
    private const int MaxTermLength = 64;

    /// <summary>The MATCH expression, or null when the text has no words to search for.</summary>
    public static string? Build(string text)
    {
        var words = Words(text).Select(word => word.ToLowerInvariant()).ToList();
        if (words.Any(word => !IsStopWord(word)))
        {
            words.RemoveAll(IsStopWord);
        }
        var terms = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var term in words)
        {
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

    private static readonly HashSet<string> StopWords = new(
    [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "did", "do", "does", "for", "from", "had", "has",
        "have", "he", "her", "his", "how", "i", "if", "in", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or",
        "our", "she", "so", "that", "the", "their", "them", "then", "there", "they", "this", "to", "was", "we", "were",
        "what", "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
    ], StringComparer.Ordinal);

    private static bool IsStopWord(string word) => StopWords.Contains(word) || (word.Length == 1 && !char.IsDigit(word[0]));

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
