using OpenMotoko.Hosting;

namespace OpenMotoko.Registry;

/// <summary>The search parameters: q (words in id, name, description, author or tags), tags (all must match), verified, limit, offset.</summary>
internal sealed record RegistryQuery(string[] Words, string[] Tags, bool? Verified, int Limit, int Offset)
{
    public static List<ErrorDetail> Parse(IQueryCollection query, out RegistryQuery parsed)
    {
        var errors = new List<ErrorDetail>();
        var words = (query["q"].ToString() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var tags = string.Join(',', query["tags"].ToArray()).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        bool? verified = null;
        if (query["verified"].ToString() is { Length: > 0 } text)
        {
            verified = bool.TryParse(text, out var flag) ? flag : null;
            if (verified is null)
            {
                errors.Add(new ErrorDetail("query", "verified", "verified must be true or false"));
            }
        }
        var limit = QueryValues.Int(query["limit"], "limit", 20, 1, 100, errors);
        var offset = QueryValues.Int(query["offset"], "offset", 0, 0, PageQuery.MaxOffset, errors);
        parsed = new RegistryQuery(words, tags, verified, limit, offset);
        return errors;
    }

    /// <summary>The matching entries, verified first, then by downloads and rating.</summary>
    public List<RegistryEntry> Apply(IEnumerable<RegistryEntry> entries) =>
        [.. entries.Where(Matches).OrderByDescending(e => e.Verified).ThenByDescending(e => e.Downloads)
            .ThenByDescending(e => e.Rating).ThenBy(e => e.Id, StringComparer.Ordinal)];

    private bool Matches(RegistryEntry entry) =>
        (Verified is null || entry.Verified == Verified) &&
        Tags.All(tag => entry.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase)) &&
        Words.All(word => Contains(entry.Id, word) || Contains(entry.Name, word) || Contains(entry.Description, word) ||
                          Contains(entry.Author, word) || entry.Tags.Any(t => Contains(t, word)));

    private static bool Contains(string text, string word) => text.Contains(word, StringComparison.OrdinalIgnoreCase);
}
