using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using OpenMotoko.Settings;
using OpenMotoko.Storage;

namespace OpenMotoko.Auth;

/// <summary>An owner's login session. The token itself is never stored; only its SHA-256.</summary>
internal sealed record Session(string TokenHash, long ExpiresAt);

/// <summary>
/// Login sessions in SQLite (they survive restarts) with a short-lived in-memory cache, so an
/// authenticated request usually costs no query. The cache re-checks the database every
/// <see cref="CacheFor"/>, and is dropped whenever the database changed since the last request
/// (<see cref="DataVersionWatcher.Version"/>, the same watcher that reloads settings), so a session ended
/// by another process (e.g. `openmotoko passwd`) is refused on the next request.
/// </summary>
internal sealed class SessionStore(Database database, SettingsStore settings, DataVersionWatcher watcher, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, CachedSession> _cache = new(StringComparer.Ordinal);
    private long _dataVersion = -1;

    public async Task<(string Token, Session Session)> CreateAsync(string client, CancellationToken cancellationToken = default)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var session = new Session(HashToken(token), now + (long)settings.GetInt32(SettingsCatalog.SessionTtlHours) * 3_600_000);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            DELETE FROM sessions WHERE expires_at <= $now;
            INSERT INTO sessions (token_hash, client, created_at, expires_at) VALUES ($tokenHash, $client, $now, $expiresAt);
            """,
            new { tokenHash = session.TokenHash, client, now, expiresAt = session.ExpiresAt });
        _cache[token] = new CachedSession(session, now + (long)CacheFor.TotalMilliseconds);
        return (token, session);
    }

    /// <summary>The live session for a token, or null when unknown or expired.</summary>
    public async ValueTask<Session?> FindAsync(string token, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (DatabaseChanged())
        {
            _cache.Clear();
        }
        if (_cache.TryGetValue(token, out var cached) && cached.CheckAgainAt > now)
        {
            if (cached.Session.ExpiresAt > now)
            {
                return cached.Session;
            }
            _cache.TryRemove(token, out _);
            return null;
        }

        var tokenHash = HashToken(token);
        await using var connection = await database.OpenAsync(cancellationToken);
        var expiresAt = await connection.QuerySingleOrDefaultAsync<long?>(
            "SELECT expires_at FROM sessions WHERE token_hash = $tokenHash AND expires_at > $now", new { tokenHash, now });
        if (expiresAt is null)
        {
            _cache.TryRemove(token, out _);
            return null;
        }
        var session = new Session(tokenHash, expiresAt.Value);
        if (_cache.Count < 1024)
        {
            _cache[token] = new CachedSession(session, now + (long)CacheFor.TotalMilliseconds);
        }
        return session;
    }

    public async Task DeleteAsync(Session session, CancellationToken cancellationToken = default)
    {
        foreach (var entry in _cache)
        {
            if (entry.Value.Session.TokenHash == session.TokenHash)
            {
                _cache.TryRemove(entry.Key, out _);
            }
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("DELETE FROM sessions WHERE token_hash = $tokenHash", new { tokenHash = session.TokenHash });
    }

    /// <summary>True when any connection committed since the last request asked (another process, or the daemon's own pool).</summary>
    private bool DatabaseChanged()
    {
        var version = watcher.Version();
        return Interlocked.Exchange(ref _dataVersion, version) != version;
    }

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record CachedSession(Session Session, long CheckAgainAt);
}
