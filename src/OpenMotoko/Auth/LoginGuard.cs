using Dapper;
using OpenMotoko.Storage;

namespace OpenMotoko.Auth;

/// <summary>
/// Counts failed logins per client address and locks the address out after
/// <see cref="MaxFailures"/>. Stored in SQLite, so a restart does not reset a lock-out.
/// </summary>
internal sealed class LoginGuard(Database database, TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LockOut = TimeSpan.FromMinutes(15);

    /// <summary>How long the client is still locked out, or null when it may try.</summary>
    public async Task<TimeSpan?> LockedForAsync(string client, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        var lockedUntil = await connection.QuerySingleOrDefaultAsync<long?>(
            "SELECT locked_until FROM login_attempts WHERE client = $client", new { client });
        return lockedUntil > now ? TimeSpan.FromMilliseconds(lockedUntil.Value - now) : null;
    }

    /// <summary>Counts a failure; returns true when this failure locked the client out.</summary>
    public async Task<bool> RecordFailureAsync(string client, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var windowStart = now - (long)Window.TotalMilliseconds;
        await using var connection = await database.OpenAsync(cancellationToken);
        var failures = await connection.QuerySingleAsync<long>(
            """
            INSERT INTO login_attempts (client, failures, first_at, locked_until) VALUES ($client, 1, $now, 0)
            ON CONFLICT (client) DO UPDATE SET
                failures = CASE WHEN first_at < $windowStart THEN 1 ELSE failures + 1 END,
                first_at = CASE WHEN first_at < $windowStart THEN $now ELSE first_at END
            RETURNING failures
            """, new { client, now, windowStart });
        if (failures < MaxFailures)
        {
            return false;
        }
        var lockedUntil = now + (long)LockOut.TotalMilliseconds;
        await connection.ExecuteAsync(
            "UPDATE login_attempts SET locked_until = $lockedUntil, failures = 0, first_at = $now WHERE client = $client",
            new { client, lockedUntil, now });
        return true;
    }

    public async Task ResetAsync(string client, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("DELETE FROM login_attempts WHERE client = $client", new { client });
    }
}
