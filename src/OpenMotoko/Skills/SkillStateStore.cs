using System.Collections.Immutable;
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
    private ImmutableDictionary<string, bool>? _snapshot;

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
            _snapshot = (_snapshot ?? Load()).SetItem(skillId, enabled);
        }
    }

    private ImmutableDictionary<string, bool> Snapshot()
    {
        if (_snapshot is { } snapshot)
        {
            return snapshot;
        }
        lock (_gate)
        {
            return _snapshot ??= Load();
        }
    }

    private ImmutableDictionary<string, bool> Load()
    {
        using var connection = database.Open();
        var rows = connection.Query<SkillStateRow>("SELECT skill_id AS SkillId, enabled AS Enabled FROM skill_state");
        return rows.ToImmutableDictionary(row => row.SkillId, row => row.Enabled != 0, StringComparer.Ordinal);
    }
}

internal sealed record SkillStateRow(string SkillId, long Enabled);
