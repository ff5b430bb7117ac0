using System.Runtime.CompilerServices;
using Dapper;
using OpenMotoko.Storage;

namespace OpenMotoko.Skills.Memory;

/// <summary>One remembered fact. Ids are the row ids, shown to the model as strings.</summary>
internal sealed record MemoryFact(long Id, string Fact, long CreatedAt);

/// <summary>The owner's remembered facts in SQLite, searchable through the FTS5 index the triggers keep in step.</summary>
internal sealed class MemoryStore(Database database, TimeProvider time)
{
    public const int MaxFactLength = 2_000;
    public const int MaxResults = 20;

    // Whether any fact is stored: null until looked up, reset when a fact is forgotten. Every message
    // asks (the prompt contributor), so an empty memory costs no query.
    private volatile StrongBox<bool>? _hasFacts;

    public async ValueTask<bool> HasFactsAsync(CancellationToken cancellationToken)
    {
        if (_hasFacts is { } known)
        {
            return known.Value;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        var any = await connection.ExecuteScalarAsync<long>("SELECT EXISTS (SELECT 1 FROM memory_facts)") != 0;
        _hasFacts ??= new StrongBox<bool>(any);
        return any;
    }

    /// <summary>Stores a fact; an identical fact already stored is returned instead of a duplicate.</summary>
    public async Task<MemoryFact> RememberAsync(string fact, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        var existing = await connection.QueryFirstOrDefaultAsync<MemoryFact>(
            "SELECT id AS Id, fact AS Fact, created_at AS CreatedAt FROM memory_facts WHERE fact = $fact LIMIT 1",
            new { fact }, transaction);
        if (existing is not null)
        {
            return existing;
        }
        var id = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO memory_facts (fact, created_at) VALUES ($fact, $now) RETURNING id",
            new { fact, now }, transaction);
        await transaction.CommitAsync(cancellationToken);
        _hasFacts = new StrongBox<bool>(true);
        return new MemoryFact(id, fact, now);
    }

    /// <summary>The facts that best match <paramref name="text"/> (bm25), at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<MemoryFact>> SearchAsync(string text, int limit, CancellationToken cancellationToken)
    {
        if (FtsQuery.Build(text) is not { } query)
        {
            return [];
        }
        limit = Math.Clamp(limit, 1, MaxResults);
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<MemoryFact>(
            """
            SELECT f.id AS Id, f.fact AS Fact, f.created_at AS CreatedAt
            FROM memory_facts_fts
            JOIN memory_facts f ON f.id = memory_facts_fts.rowid
            WHERE memory_facts_fts MATCH $query
            ORDER BY bm25(memory_facts_fts), f.id DESC
            LIMIT $limit
            """,
            new { query, limit })];
    }

    public async Task<IReadOnlyList<MemoryFact>> RecentAsync(int limit, CancellationToken cancellationToken)
    {
        limit = Math.Clamp(limit, 1, MaxResults);
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<MemoryFact>(
            "SELECT id AS Id, fact AS Fact, created_at AS CreatedAt FROM memory_facts ORDER BY created_at DESC, id DESC LIMIT $limit",
            new { limit })];
    }

    public async Task<bool> ForgetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync("DELETE FROM memory_facts WHERE id = $id", new { id }) > 0;
        _hasFacts = null;
        return deleted;
    }
}
