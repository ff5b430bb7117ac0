using System.Text.Json;
using Dapper;
using OpenMotoko.Storage;

namespace OpenMotoko.Registry;

internal sealed record RegistryIndexMeta(string SourceUrl, long FetchedAt);

internal sealed record RegistryEntryRow(
    string Id, string Name, string Description, string Version, string Author, string Tags,
    long Verified, double Rating, long Downloads, string Sha256, long Size, string Url)
{
    public RegistryEntry ToEntry() => new(Id, Name, Description, Version, Author,
        JsonSerializer.Deserialize(Tags, RegistryStoreJsonContext.Default.StringArray) ?? [], Verified != 0, Rating, Downloads, Sha256, Size, Url);

    public static RegistryEntryRow Of(RegistryEntry e) => new(e.Id, e.Name, e.Description, e.Version, e.Author,
        JsonSerializer.Serialize(e.Tags.ToArray(), RegistryStoreJsonContext.Default.StringArray), e.Verified ? 1 : 0, e.Rating, e.Downloads, e.Sha256, e.Size, e.Url);
}

internal sealed record InstalledSkillRow(string Id, string Version, string Sha256, string SourceUrl, long InstalledAt);

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class RegistryStoreJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>The cached registry index (replaced as a whole on refresh) and the skills installed from the registry.</summary>
internal sealed class RegistryStore(Database database)
{
    private const string EntryColumns = "id AS Id, name AS Name, description AS Description, version AS Version, author AS Author, " +
                                        "tags AS Tags, verified AS Verified, rating AS Rating, downloads AS Downloads, sha256 AS Sha256, size AS Size, url AS Url";

    public async Task<RegistryIndexMeta?> GetMetaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RegistryIndexMeta>(
            "SELECT source_url AS SourceUrl, fetched_at AS FetchedAt FROM registry_index_meta WHERE id = 1");
    }

    public async Task<List<RegistryEntry>> ListEntriesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RegistryEntryRow>($"SELECT {EntryColumns} FROM registry_entries ORDER BY id");
        return [.. rows.Select(r => r.ToEntry())];
    }

    /// <summary>Replaces the cached index in one transaction.</summary>
    public async Task ReplaceIndexAsync(string sourceUrl, long fetchedAt, IReadOnlyList<RegistryEntry> entries, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        await connection.ExecuteAsync("DELETE FROM registry_entries", transaction: transaction);
        foreach (var entry in entries)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO registry_entries (id, name, description, version, author, tags, verified, rating, downloads, sha256, size, url)
                VALUES ($Id, $Name, $Description, $Version, $Author, $Tags, $Verified, $Rating, $Downloads, $Sha256, $Size, $Url)
                """, RegistryEntryRow.Of(entry), transaction);
        }
        await connection.ExecuteAsync(
            """
            INSERT INTO registry_index_meta (id, source_url, fetched_at) VALUES (1, $sourceUrl, $fetchedAt)
            ON CONFLICT (id) DO UPDATE SET source_url = excluded.source_url, fetched_at = excluded.fetched_at
            """, new { sourceUrl, fetchedAt }, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<List<InstalledSkillRow>> ListInstalledAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<InstalledSkillRow>(
            "SELECT id AS Id, version AS Version, sha256 AS Sha256, source_url AS SourceUrl, installed_at AS InstalledAt FROM registry_installed");
        return [.. rows];
    }

    public async Task<InstalledSkillRow?> FindInstalledAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<InstalledSkillRow>(
            "SELECT id AS Id, version AS Version, sha256 AS Sha256, source_url AS SourceUrl, installed_at AS InstalledAt FROM registry_installed WHERE id = $id",
            new { id });
    }

    public async Task AddInstalledAsync(InstalledSkillRow row, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO registry_installed (id, version, sha256, source_url, installed_at)
            VALUES ($Id, $Version, $Sha256, $SourceUrl, $InstalledAt)
            """, row);
    }

    public async Task RemoveInstalledAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("DELETE FROM registry_installed WHERE id = $id", new { id });
    }
}
