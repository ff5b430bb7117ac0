using Dapper;
using OpenMotoko.Storage;

namespace OpenMotoko.Skills;

/// <summary>
/// Which skills the owner switched on or off, kept in SQLite with an in-memory snapshot so the agent
/// loop can ask on every turn without I/O. Skills never toggled keep their default.
/// </summary>
internal sealed class SkillStateStore(Database database, TimeProvider time)
{
    private readonly Lock _gate = new();
    /// <summary>Copy on write: a published dictionary is never changed, so readers need no lock.</summary>
    private Dictionary<string, bool>? _snapshot;

    /// <summary>The stored choice, else <paramref name="defaultEnabled"/>.</summary>
    public bool IsEnabled(string skillId, bool defaultEnabled) =>
        Snapshot().TryGetValue(skillId, out var enabled) ? enabled : defaultEnabled;

    public async Task SetAsync(string skillId, bool enabled, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO skill_state (skill_id, enabled, updated_at) VALUES ($skillId, $enabled, $now)
                ON CONFLICT (skill_id) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at
                """,
                new { skillId, enabled = enabled ? 1 : 0, now });
        }
        lock (_gate)
        {
            var next = new Dictionary<string, bool>(_snapshot ?? Load(), StringComparer.Ordinal) { [skillId] = enabled };
            Volatile.Write(ref _snapshot, next);
        }
    }

    private Dictionary<string, bool> Snapshot()
    {
        if (Volatile.Read(ref _snapshot) is { } snapshot)
        {
            return snapshot;
        }
        lock (_gate)
        {
            var loaded = _snapshot ?? Load();
            Volatile.Write(ref _snapshot, loaded);
            return loaded;
        }
    }

    private Dictionary<string, bool> Load()
    {
        using var connection = database.Open();
        var rows = connection.Query<SkillStateRow>("SELECT skill_id AS SkillId, enabled AS Enabled FROM skill_state");
        var states = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            states[row.SkillId] = row.Enabled != 0;
        }
        return states;
    }
}

internal sealed record SkillStateRow(string SkillId, long Enabled);
