using Dapper;
using Microsoft.Data.Sqlite;
using OpenMotoko.Storage;

namespace OpenMotoko.Auth;

/// <summary>A login lock-out: how long it still lasts, and whether it stops every address or one.</summary>
internal readonly record struct LoginLock(TimeSpan For, bool Everyone);

/// <summary>
/// Limits password guessing, stored in SQLite so a restart does not reset it. Per address: after
/// <see cref="MaxFailures"/> failures within <see cref="Window"/> the address is locked out for
/// <see cref="LockOut"/>. For everyone, since any local process can use every 127.0.0.0/8 address:
/// after <see cref="MaxFailuresEveryone"/> failures logins pause for a minute, doubling with each
/// further failure up to <see cref="LongestPause"/>, so a stranger cannot keep the owner out for long.
/// `openmotoko unlock` and `openmotoko passwd` lift every lock-out.
/// </summary>
internal sealed class LoginGuard(Database database, TimeProvider time)
{
    public const int MaxFailures = 5;
    public const int MaxFailuresEveryone = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LockOut = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan FirstPause = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(5);

    /// <summary>The row that counts every address's failures; no address is spelled like this.</summary>
    private const string Everyone = "*";

    private const string Columns = "failures AS Failures, first_at AS FirstAt, locked_until AS LockedUntil";

    /// <summary>The lock-out that stops <paramref name="client"/> now, if any; reads only.</summary>
    public async Task<LoginLock?> LockedAsync(string client, CancellationToken cancellationToken = default)
    {
        var now = Now();
        await using var connection = await database.OpenAsync(cancellationToken);
        return Active(Read(connection, client, null), now, false) ?? Active(Read(connection, Everyone, null), now, true);
    }

    /// <summary>
    /// Counts an attempt as failed before its password is checked, in one write transaction, so
    /// concurrent guesses cannot all pass the check: <c>Refused</c> when a lock-out stops it (do not
    /// check the password), else <c>LockedNow</c> when this attempt started a lock-out.
    /// </summary>
    public async Task<(LoginLock? Refused, LoginLock? LockedNow)> ReserveAsync(string client, CancellationToken cancellationToken = default)
    {
        var now = Now();
        // BEGIN IMMEDIATE: the write lock is taken before the read, so no other attempt reads in between.
        await using var connection = await database.OpenAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: false);
        var own = Read(connection, client, transaction);
        var all = Read(connection, Everyone, transaction);
        if ((Active(own, now, false) ?? Active(all, now, true)) is { } refused)
        {
            return (refused, null); // disposing rolls back: nothing was written
        }
        own = CountForAddress(own, now);
        all = CountForEveryone(all, now);
        Write(connection, client, own, transaction);
        Write(connection, Everyone, all, transaction);
        transaction.Commit();
        return (null, Active(own, now, false) ?? Active(all, now, true));
    }

    /// <summary>The password was right: the address starts afresh, and the attempt no longer counts for everyone.</summary>
    public async Task SucceededAsync(string client, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            """
            DELETE FROM login_attempts WHERE client = $client;
            UPDATE login_attempts SET failures = MAX(failures - 1, 0) WHERE client = $everyone;
            """, new { client, everyone = Everyone });
    }

    /// <summary>Lifts every lock-out and forgets every failure; returns how many records there were.</summary>
    public async Task<int> UnlockAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("DELETE FROM login_attempts");
    }

    private static LoginAttemptRow CountForAddress(LoginAttemptRow? row, long now)
    {
        var counted = row is null || row.FirstAt < now - (long)Window.TotalMilliseconds
            ? new LoginAttemptRow(1, now, 0)
            : row with { Failures = row.Failures + 1 };
        return counted.Failures >= MaxFailures ? new LoginAttemptRow(0, now, now + (long)LockOut.TotalMilliseconds) : counted;
    }

    private static LoginAttemptRow CountForEveryone(LoginAttemptRow? row, long now)
    {
        // Forgotten only after a quiet window since the first failure and since the last pause ended.
        var counted = row is null || Math.Max(row.FirstAt, row.LockedUntil) < now - (long)Window.TotalMilliseconds
            ? new LoginAttemptRow(1, now, 0)
            : row with { Failures = row.Failures + 1 };
        if (counted.Failures < MaxFailuresEveryone)
        {
            return counted;
        }
        var doublings = (int)Math.Min(counted.Failures - MaxFailuresEveryone, 16);
        var pause = Math.Min(FirstPause.TotalMilliseconds * (1L << doublings), LongestPause.TotalMilliseconds);
        return counted with { LockedUntil = now + (long)pause };
    }

    private static LoginLock? Active(LoginAttemptRow? row, long now, bool everyone) =>
        row is not null && row.LockedUntil > now ? new LoginLock(TimeSpan.FromMilliseconds(row.LockedUntil - now), everyone) : null;

    private static LoginAttemptRow? Read(SqliteConnection connection, string client, SqliteTransaction? transaction) =>
        connection.QuerySingleOrDefault<LoginAttemptRow>($"SELECT {Columns} FROM login_attempts WHERE client = $client", new { client }, transaction);

    private static void Write(SqliteConnection connection, string client, LoginAttemptRow row, SqliteTransaction transaction) =>
        connection.Execute(
            """
            INSERT INTO login_attempts (client, failures, first_at, locked_until) VALUES ($client, $failures, $firstAt, $lockedUntil)
            ON CONFLICT (client) DO UPDATE SET failures = excluded.failures, first_at = excluded.first_at, locked_until = excluded.locked_until
            """, new { client, failures = row.Failures, firstAt = row.FirstAt, lockedUntil = row.LockedUntil }, transaction);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}

/// <summary>One row of login_attempts (internal, not nested: Dapper.AOT's generated code must reach it).</summary>
internal sealed record LoginAttemptRow(long Failures, long FirstAt, long LockedUntil);
