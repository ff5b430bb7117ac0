using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using OpenMotoko.Hosting;
using OpenMotoko.Storage;

namespace OpenMotoko.Settings;

/// <summary>Where each effective value comes from: an env var beats a stored value beats the default.</summary>
internal enum SettingSource { Default, Stored, Environment }

/// <summary>
/// The settings table with an in-memory snapshot, so reading a setting on a hot path costs no I/O.
/// Writes go through <see cref="ApplyAsync"/> in one transaction and then swap the snapshot.
/// </summary>
internal sealed partial class SettingsStore
{
    private readonly Database _database;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, JsonElement> _fromEnvironment;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>Copy on write: a published dictionary is never changed, so readers need no lock.</summary>
    private Dictionary<string, JsonElement> _stored;

    public SettingsStore(Database database, EnvironmentSnapshot environment, TimeProvider time)
    {
        _database = database;
        _time = time;
        var fromEnvironment = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var ignored = new List<string>();
        foreach (var definition in SettingsCatalog.All)
        {
            if (definition.EnvVar is { } name && environment.Get(name) is { } text)
            {
                if (definition.FromEnvironment(text) is { } value)
                {
                    fromEnvironment[definition.Key] = value;
                }
                else
                {
                    ignored.Add($"{name} cannot be used: {definition.Key} {definition.Check(SettingDefinition.Parse("null"))}." +
                        (name.StartsWith("OPENMOTOKO_", StringComparison.Ordinal) ? " Fix or unset it: serve does not start with it." : " It is ignored."));
                }
            }
        }
        _fromEnvironment = fromEnvironment;
        IgnoredEnvironment = ignored;
        _stored = Load();
    }

    /// <summary>Env vars that were set but do not fit their setting, so they were ignored; each says why.</summary>
    public IReadOnlyList<string> IgnoredEnvironment { get; }

    /// <summary>Raised after a write, with the keys that changed.</summary>
    public event Action<IReadOnlyCollection<string>>? Changed;

    public JsonElement? Get(string key) => GetCanonical(SettingsCatalog.Canonical(key));

    private JsonElement? GetCanonical(string key) =>
        _fromEnvironment.TryGetValue(key, out var env) ? env
        : Volatile.Read(ref _stored).TryGetValue(key, out var stored) ? stored
        : SettingsCatalog.ByKey[key].Default;

    public SettingSource SourceOf(string key) => SourceOfCanonical(SettingsCatalog.Canonical(key));

    private SettingSource SourceOfCanonical(string key) =>
        _fromEnvironment.ContainsKey(key) ? SettingSource.Environment
        : Volatile.Read(ref _stored).ContainsKey(key) ? SettingSource.Stored
        : SettingSource.Default;

    public string? GetString(string key) => Get(key) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public int GetInt32(string key) => Get(key) is { ValueKind: JsonValueKind.Number } value ? value.GetInt32() : 0;

    public BudgetSettings Budget => Get(SettingsCatalog.Budget) is { } value ? BudgetSettings.FromJson(value) : BudgetSettings.Default;

    /// <summary>Checks a settings object: known keys, right types. Empty when it can be applied.</summary>
    public static List<ErrorDetail> Validate(JsonElement body)
    {
        var errors = new List<ErrorDetail>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ErrorDetail("body", "$", "must be a JSON object of setting keys and values"));
            return errors;
        }
        if (JsonText.Check(body) is { } unreadable)
        {
            errors.Add(unreadable);
            return errors;
        }
        foreach (var property in body.EnumerateObject())
        {
            if (!SettingsCatalog.ByKey.TryGetValue(property.Name, out var definition))
            {
                errors.Add(new ErrorDetail("body", property.Name, $"'{property.Name}' is not a setting (GET /api/settings lists every key with its value)"));
            }
            else if (property.Value.ValueKind != JsonValueKind.Null && definition.Check(property.Value) is { } problem)
            {
                errors.Add(new ErrorDetail("body", property.Name, $"{property.Name} {problem}"));
            }
        }
        return errors;
    }

    /// <summary>Stores a validated settings object in one transaction. A null value resets the key to its default.</summary>
    public async Task ApplyAsync(JsonElement body, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var changes = body.EnumerateObject().Where(p => !IsMaskedEcho(p)).Select(p => (Name: SettingsCatalog.Canonical(p.Name), Value: p.Value.Clone()))
            .GroupBy(c => c.Name, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        // One writer at a time, so the snapshot swaps in the order the database committed (no lost update).
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await WriteAsync(changes, now, cancellationToken);
            var stored = new Dictionary<string, JsonElement>(_stored, StringComparer.Ordinal);
            foreach (var (key, value) in changes)
            {
                if (value.ValueKind == JsonValueKind.Null)
                {
                    stored.Remove(key);
                }
                else
                {
                    stored[key] = value;
                }
            }
            Volatile.Write(ref _stored, stored);
        }
        finally
        {
            _writeLock.Release();
        }
        Changed?.Invoke(changes.Select(c => c.Name).ToArray());
    }

    private async Task WriteAsync(List<(string Name, JsonElement Value)> changes, long now, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        if (changes.Exists(c => c.Name == SettingsCatalog.DefaultModel))
        {
            // Older versions stored llm.defaultModel on its own row; it now is defaultModel, written below.
            await connection.ExecuteAsync("DELETE FROM settings WHERE key = 'llm.defaultModel'", transaction: transaction);
        }
        foreach (var (key, value) in changes)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                await connection.ExecuteAsync("DELETE FROM settings WHERE key = $key", new { key }, transaction);
            }
            else
            {
                await connection.ExecuteAsync(
                    """
                    INSERT INTO settings (key, value, updated_at) VALUES ($key, $value, $now)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """,
                    new { key, value = value.GetRawText(), now }, transaction);
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A secret sent back exactly as GET masked it (a form echoing what it read): keep the real one.</summary>
    private bool IsMaskedEcho(JsonProperty property) =>
        SettingsCatalog.ByKey[property.Name].IsSecret && property.Value.ValueKind == JsonValueKind.String &&
        GetString(property.Name) is { } current && property.Value.ValueEquals(SecretMask.Mask(current));

    /// <summary>The effective settings as the API shows them: every key, secrets masked or null.</summary>
    public JsonObject ToMaskedJson()
    {
        var result = new JsonObject();
        foreach (var definition in SettingsCatalog.All)
        {
            var value = Get(definition.Key);
            result[definition.Key] = value is null ? null
                : definition.IsSecret ? JsonValue.Create(SecretMask.Mask(value.Value.GetString()))
                : JsonNode.Parse(value.Value.GetRawText());
        }
        return result;
    }

    private Dictionary<string, JsonElement> Load()
    {
        using var connection = _database.Open();
        var rows = connection.Query<SettingRow>("SELECT key AS Key, value AS Value FROM settings");
        var stored = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            // Rows for keys this version no longer knows stay in the file but are not served.
            if (SettingsCatalog.ByKey.ContainsKey(row.Key) && !(row.Key != SettingsCatalog.Canonical(row.Key) && stored.ContainsKey(SettingsCatalog.Canonical(row.Key))))
            {
                stored[SettingsCatalog.Canonical(row.Key)] = SettingDefinition.Parse(row.Value);
            }
        }
        return stored;
    }
}

internal sealed record SettingRow(string Key, string Value);
