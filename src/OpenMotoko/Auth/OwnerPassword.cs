using Dapper;
using OpenMotoko.Hosting;
using OpenMotoko.Storage;

namespace OpenMotoko.Auth;

/// <summary>
/// The owner's login password: OPENMOTOKO_PASSWORD when set, else the hash stored by
/// <c>openmotoko passwd</c>. Never kept or logged in plain text beyond the env var itself.
/// </summary>
internal sealed class OwnerPassword
{
    public const int MinimumLength = 8;
    private readonly Database _database;
    private readonly TimeProvider _time;
    private readonly string? _fromEnvironment;
    private string? _storedHash;

    public OwnerPassword(Database database, EnvironmentSnapshot environment, TimeProvider time)
    {
        _database = database;
        _time = time;
        _fromEnvironment = environment.Get("OPENMOTOKO_PASSWORD");
        _storedHash = LoadHash(database);
    }

    // Dapper.AOT does not intercept calls made in constructors, so the query lives in a method.
    private static string? LoadHash(Database database)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<string>("SELECT hash FROM owner_password WHERE id = 1");
    }

    /// <summary>Re-reads the stored hash: `openmotoko passwd` may have changed it while the daemon runs.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        _storedHash = await connection.QuerySingleOrDefaultAsync<string>("SELECT hash FROM owner_password WHERE id = 1");
    }

    /// <summary>Why <paramref name="password"/> cannot be the login password, or null when it can: one rule for passwd and OPENMOTOKO_PASSWORD.</summary>
    public static string? Problem(string password) =>
        password.Length < MinimumLength ? $"the password must be at least {MinimumLength} characters" : null;

    /// <summary>Why OPENMOTOKO_PASSWORD cannot be used, or null when it is unset or fine; `serve` refuses to start on it.</summary>
    public string? EnvironmentProblem => _fromEnvironment is { } password && Problem(password) is { } problem
        ? $"OPENMOTOKO_PASSWORD is too short: {problem} (the same rule as 'openmotoko passwd'). Choose a longer one."
        : null;

    public bool IsConfigured => _fromEnvironment is not null || _storedHash is not null;

    public bool IsFromEnvironment => _fromEnvironment is not null;

    public bool Verify(string candidate) =>
        _fromEnvironment is not null ? PasswordHasher.FixedTimeEquals(candidate, _fromEnvironment)
        : _storedHash is not null && PasswordHasher.Verify(candidate, _storedHash);

    /// <summary>Stores a new password hash and ends every session but <paramref name="keepSession"/> (a token hash), in one transaction.</summary>
    public async Task SetAsync(string password, string? keepSession = null, CancellationToken cancellationToken = default)
    {
        if (Problem(password) is { } problem)
        {
            throw new ArgumentException(problem, nameof(password));
        }
        var hash = PasswordHasher.Hash(password);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        await connection.ExecuteAsync(
            """
            INSERT INTO owner_password (id, hash, updated_at) VALUES (1, $hash, $now)
            ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at
            """, new { hash, now }, transaction);
        if (keepSession is null)
        {
            await connection.ExecuteAsync("DELETE FROM sessions", transaction: transaction);
        }
        else
        {
            await connection.ExecuteAsync("DELETE FROM sessions WHERE token_hash <> $keepSession", new { keepSession }, transaction);
        }
        await transaction.CommitAsync(cancellationToken);
        _storedHash = hash;
    }
}
