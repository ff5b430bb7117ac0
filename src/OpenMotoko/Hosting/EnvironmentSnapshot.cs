using System.Collections;

namespace OpenMotoko.Hosting;

/// <summary>
/// The environment variables the daemon reads, captured once. Tests pass their own instead of
/// changing the process environment, so they can run in parallel.
/// </summary>
internal sealed class EnvironmentSnapshot(IReadOnlyDictionary<string, string> variables)
{
    public static EnvironmentSnapshot Empty { get; } = new(new Dictionary<string, string>());

    public static EnvironmentSnapshot FromProcess()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                variables[key] = value;
            }
        }
        return new EnvironmentSnapshot(variables);
    }

    /// <summary>The names of every variable captured.</summary>
    public IEnumerable<string> Names => variables.Keys;

    /// <summary>The variable's value, or null when unset or blank.</summary>
    public string? Get(string name) =>
        variables.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public EnvironmentSnapshot With(string name, string value) =>
        new(new Dictionary<string, string>(variables, StringComparer.Ordinal) { [name] = value });
}
