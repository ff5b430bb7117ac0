using Dapper;
using OpenMotoko.Events;
using OpenMotoko.Skills;
using OpenMotoko.Storage;

namespace OpenMotoko.Artifacts;

internal enum ArtifactWriteStatus { Written, NotFound, VersionMismatch, Invalid }

/// <summary>The outcome of an update: the new latest, or why not (the current artifact on a version mismatch, the problem when invalid).</summary>
internal sealed record ArtifactWrite(ArtifactWriteStatus Status, Artifact? Artifact = null, string? Problem = null);

/// <summary>
/// Artifacts and their versions in SQLite (see 0010_artifacts.sql), publishing artifact:* once a
/// write is committed. Updates read, check and write in one write transaction, so the version an
/// If-Match names is compared with the latest no other writer can change meanwhile.
/// </summary>
internal sealed class ArtifactStore(Database database, TimeProvider time, EventBus bus)
{
    private const string SummaryColumns =
        "id AS Id, conversation_id AS ConversationId, type AS Type, title AS Title, language AS Language, version AS Version, " +
        "size AS Size, created_at AS CreatedAt, updated_at AS UpdatedAt";

    // A version joined with its artifact; $version null means the latest.
    private const string SelectVersion =
        """
        SELECT a.id AS Id, a.conversation_id AS ConversationId, v.type AS Type, v.title AS Title, v.language AS Language,
               v.content AS Content, v.version AS Version, v.size AS Size, a.created_at AS CreatedAt, v.created_at AS UpdatedAt
        FROM artifacts a JOIN artifact_versions v ON v.artifact_id = a.id AND v.version = COALESCE($version, a.version)
        WHERE a.id = $id
        """;

    private const string InsertVersion =
        """
        INSERT INTO artifact_versions (artifact_id, version, type, title, language, content, size, created_at)
        VALUES ($Id, $Version, $Type, $Title, $Language, $Content, $Size, $UpdatedAt)
        """;

    public async Task<ArtifactPage> ListAsync(string? conversationId, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM artifacts WHERE $conversationId IS NULL OR conversation_id = $conversationId", new { conversationId });
        ArtifactSummary[] items = [.. await connection.QueryAsync<ArtifactSummary>(
            $"""
            SELECT {SummaryColumns} FROM artifacts WHERE $conversationId IS NULL OR conversation_id = $conversationId
            ORDER BY updated_at DESC, rowid DESC LIMIT $limit OFFSET $offset
            """, new { conversationId, limit, offset })];
        return new ArtifactPage(items, total);
    }

    /// <summary>The artifact at <paramref name="version"/> (null: the latest); null when either is unknown.</summary>
    public async Task<Artifact?> GetAsync(string id, long? version, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<Artifact>(SelectVersion, new { id, version });
    }

    /// <summary>A page of the artifact's versions, newest first; null for an unknown artifact.</summary>
    public async Task<ArtifactVersionPage?> VersionsAsync(string id, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long?>("SELECT version FROM artifacts WHERE id = $id", new { id });
        if (total is null)
        {
            return null;
        }
        ArtifactVersionInfo[] items = [.. await connection.QueryAsync<ArtifactVersionInfo>(
            """
            SELECT version AS Version, title AS Title, size AS Size, created_at AS CreatedAt FROM artifact_versions
            WHERE artifact_id = $id ORDER BY version DESC LIMIT $limit OFFSET $offset
            """, new { id, limit, offset })];
        return new ArtifactVersionPage(items, total.Value);
    }

    /// <summary>Stores version 1; null when <paramref name="conversationId"/> names no conversation.</summary>
    public async Task<Artifact?> CreateAsync(ArtifactDraft draft, string? conversationId, EventScope origin, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var artifact = new Artifact(Guid.CreateVersion7().ToString("N"), conversationId, draft.Type, draft.Title, draft.Language, draft.Content,
            1, ArtifactRules.Size(draft.Content), now, now);
        using (var write = await database.BeginWriteAsync(cancellationToken))
        {
            if (conversationId is not null &&
                write.Connection.ExecuteScalar<long>("SELECT COUNT(*) FROM conversations WHERE id = $conversationId", new { conversationId }) == 0)
            {
                return null;
            }
            write.Connection.Execute(
                """
                INSERT INTO artifacts (id, conversation_id, type, title, language, version, size, created_at, updated_at)
                VALUES ($Id, $ConversationId, $Type, $Title, $Language, $Version, $Size, $CreatedAt, $UpdatedAt)
                """, artifact);
            write.Connection.Execute(InsertVersion, artifact);
            write.Commit();
        }
        await bus.PublishAsync(new ArtifactCreated(Scope(origin, artifact), artifact.Id, artifact.ConversationId, artifact.Title, artifact.Type, artifact.Version));
        return artifact;
    }

    /// <summary>
    /// Writes the next version. <paramref name="ifMatch"/> (when given) must accept the latest version;
    /// <paramref name="onlyConversation"/> (when given) must be the artifact's conversation, else it is not found.
    /// </summary>
    public async Task<ArtifactWrite> UpdateAsync(string id, ArtifactChanges changes, Func<long, bool>? ifMatch, string? onlyConversation,
        EventScope origin, CancellationToken cancellationToken)
    {
        Artifact next;
        using (var write = await database.BeginWriteAsync(cancellationToken))
        {
            var current = write.Connection.QueryFirstOrDefault<Artifact>(SelectVersion, new { id, version = (long?)null });
            if (current is null || (onlyConversation is not null && current.ConversationId != onlyConversation))
            {
                return new ArtifactWrite(ArtifactWriteStatus.NotFound);
            }
            if (ifMatch is not null && !ifMatch(current.Version))
            {
                return new ArtifactWrite(ArtifactWriteStatus.VersionMismatch, current);
            }
            var type = changes.Type ?? current.Type;
            // Changing the type away from code drops the language; naming one for another type is refused.
            var language = changes.LanguageGiven ? changes.Language : type == ArtifactRules.Code ? current.Language : null;
            if (ArtifactRules.LanguageProblem(language, type) is { } problem)
            {
                return new ArtifactWrite(ArtifactWriteStatus.Invalid, Problem: problem);
            }
            var content = changes.Content ?? current.Content;
            next = current with
            {
                Type = type, Title = changes.Title ?? current.Title, Language = language, Content = content,
                Version = current.Version + 1, Size = ArtifactRules.Size(content), UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
            };
            write.Connection.Execute(InsertVersion, next);
            write.Connection.Execute(
                """
                UPDATE artifacts SET type = $Type, title = $Title, language = $Language, version = $Version, size = $Size, updated_at = $UpdatedAt
                WHERE id = $Id
                """, next);
            write.Commit();
        }
        await bus.PublishAsync(new ArtifactUpdated(Scope(origin, next), next.Id, next.ConversationId, next.Title, next.Type, next.Version));
        return new ArtifactWrite(ArtifactWriteStatus.Written, next);
    }

    /// <summary>Deletes the artifact and every version; false when it did not exist.</summary>
    public async Task<bool> DeleteAsync(string id, EventScope origin, CancellationToken cancellationToken)
    {
        ArtifactSummary? deleted;
        using (var write = await database.BeginWriteAsync(cancellationToken))
        {
            deleted = write.Connection.QueryFirstOrDefault<ArtifactSummary>($"SELECT {SummaryColumns} FROM artifacts WHERE id = $id", new { id });
            if (deleted is null)
            {
                return false;
            }
            write.Connection.Execute("DELETE FROM artifact_versions WHERE artifact_id = $id", new { id });
            write.Connection.Execute("DELETE FROM artifacts WHERE id = $id", new { id });
            write.Commit();
        }
        await bus.PublishAsync(new ArtifactDeleted(Scope(origin, deleted.ConversationId), deleted.Id, deleted.ConversationId, deleted.Title, deleted.Type, deleted.Version));
        return true;
    }

    private static EventScope Scope(EventScope origin, Artifact artifact) => Scope(origin, artifact.ConversationId);

    private static EventScope Scope(EventScope origin, string? conversationId) =>
        origin with { ConversationId = conversationId ?? origin.ConversationId, SkillId = BuiltInSkills.Artifacts };
}
