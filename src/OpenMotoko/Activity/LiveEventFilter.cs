using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Events;
using OpenMotoko.Hosting;

namespace OpenMotoko.Activity;

/// <summary>
/// Which event types a live client wants: exact names (<c>message:sent</c>), every type of a noun
/// (<c>tool:*</c>) or everything (<c>*</c>). Patterns are checked against the names the event contract
/// declares, so a typo is refused instead of silently matching nothing.
/// </summary>
internal sealed class LiveEventFilter
{
    public const int MaxPatterns = 50;
    public const int MaxPatternLength = 100;

    public static readonly LiveEventFilter All = new(null, ["*"]);

    private static readonly HashSet<string> Known = new(EventNames.All, StringComparer.Ordinal);

    // The known names the patterns select, worked out once; null for everything.
    private readonly HashSet<string>? _types;

    private LiveEventFilter(HashSet<string>? types, IReadOnlyList<string> patterns)
    {
        _types = types;
        Patterns = patterns;
    }

    /// <summary>The patterns as the client gave them, trimmed.</summary>
    public IReadOnlyList<string> Patterns { get; }

    public bool Matches(string type) => _types is null || _types.Contains(type);

    /// <summary>
    /// Reads the patterns, adding one detail per bad one (<paramref name="field"/>, <paramref name="path"/>
    /// and the pattern's index); null when any is bad.
    /// </summary>
    public static LiveEventFilter? Parse(IReadOnlyList<string> patterns, string field, string path, List<ErrorDetail> errors)
    {
        var before = errors.Count;
        if (patterns.Count is 0 or > MaxPatterns)
        {
            errors.Add(new ErrorDetail(field, path, $"{path} must list 1 to {MaxPatterns} event types, e.g. 'tool:*,message:sent' ('*' for every type)"));
            return null;
        }
        var selected = new HashSet<string>(StringComparer.Ordinal);
        var everything = false;
        var trimmed = new string[patterns.Count];
        for (var i = 0; i < patterns.Count; i++)
        {
            var pattern = trimmed[i] = patterns[i].Trim();
            var where = patterns.Count == 1 ? path : $"{path}[{i}]";
            if (pattern.Length is 0 or > MaxPatternLength)
            {
                errors.Add(new ErrorDetail(field, where, $"an event type must be 1 to {MaxPatternLength} characters"));
            }
            else if (pattern == "*")
            {
                everything = true;
            }
            else if (pattern.EndsWith(":*", StringComparison.Ordinal))
            {
                var prefix = pattern[..^1];
                var matched = Known.Where(name => name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
                if (matched.Count == 0)
                {
                    errors.Add(new ErrorDetail(field, where, $"no event type starts with '{prefix}'; the types are {KnownList()}"));
                }
                selected.UnionWith(matched);
            }
            else if (Known.Contains(pattern))
            {
                selected.Add(pattern);
            }
            else
            {
                errors.Add(new ErrorDetail(field, where, $"'{pattern}' is not an event type; use a name, 'noun:*' or '*' (the types are {KnownList()})"));
            }
        }
        if (errors.Count > before)
        {
            return null;
        }
        return new LiveEventFilter(everything ? null : selected, trimmed);
    }

    private static string KnownList() => string.Join(", ", Known.Order(StringComparer.Ordinal));
}

/// <summary>?types= of GET /api/events and /ws: a comma list of event types, given once; absent means every type.</summary>
internal sealed record LiveEventsQuery([FromQuery(Name = "types")] string[] Types = null!) : IValidatable
{
    private const int MaxLength = 2_000;

    public void Validate(List<ErrorDetail> errors) => Filter(errors);

    /// <summary>The filter the query asks for (every type when absent or invalid; validation refused the latter already).</summary>
    public LiveEventFilter Filter(List<ErrorDetail>? errors = null)
    {
        errors ??= [];
        return QueryValues.Text(Types, "types", MaxLength, errors) is { } list
            ? LiveEventFilter.Parse(list.Split(','), "query", "types", errors) ?? LiveEventFilter.All
            : LiveEventFilter.All;
    }
}
