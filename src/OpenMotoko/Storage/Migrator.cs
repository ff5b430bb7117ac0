using System.Reflection;
using Microsoft.Data.Sqlite;

namespace OpenMotoko.Storage;

/// <summary>
/// Applies the embedded migration scripts (<c>NNNN_name.sql</c>) in number order, tracked by
/// <c>PRAGMA user_version</c>: the version is the number of the last script applied, so a number
/// left unused never shifts the versions of the scripts after it.
/// </summary>
internal static class Migrator
{
    private const string Prefix = "migrations/";

    /// <summary>The schema version this binary knows: the number of its last script.</summary>
    public static int LatestVersion => Scripts.Value[^1].Version;

    private static readonly Lazy<IReadOnlyList<(int Version, string Sql)>> Scripts = new(LoadScripts);

    /// <summary>Brings the database to <see cref="LatestVersion"/>; returns how many scripts ran.</summary>
    public static int Migrate(Database database)
    {
        var directory = System.IO.Path.GetDirectoryName(database.Path);
        if (!string.IsNullOrEmpty(directory))
        {
            PrivateFiles.CreateDirectory(directory);
        }
        PrivateFiles.SecureDatabase(database.Path);

        using var connection = database.Open();
        var current = ReadVersion(connection);
        if (current > LatestVersion)
        {
            throw new DatabaseTooNewException(database.Path, current, LatestVersion);
        }
        if (current == LatestVersion)
        {
            return 0;
        }

        Execute(connection, "PRAGMA journal_mode=WAL;");
        Execute(connection, "PRAGMA synchronous=FULL;");
        var applied = 0;
        foreach (var (version, sql) in Scripts.Value.Where(script => script.Version > current))
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, sql, transaction);
            Execute(connection, $"PRAGMA user_version = {version};", transaction);
            transaction.Commit();
            applied++;
        }
        return applied;
    }

    public static int ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static IReadOnlyList<(int Version, string Sql)> LoadScripts()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var scripts = new List<(int Version, string Sql)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(name => name.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var file = name[Prefix.Length..];
            if (file.Length < 5 || file[4] != '_' || !int.TryParse(file.AsSpan(0, 4), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var version) || version == 0)
            {
                throw new InvalidOperationException($"Migration {file} is not named NNNN_name.sql with NNNN from 0001.");
            }
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            scripts.Add((version, reader.ReadToEnd()));
        }
        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException($"Two migrations share the number {scripts[i].Version:D4}.");
            }
        }
        return scripts;
    }
}

internal sealed class DatabaseTooNewException(string path, int found, int known)
    : Exception($"The database {path} has schema version {found}, but this openmotoko knows only up to {known}. " +
                "It was written by a newer openmotoko: upgrade the binary (or point OPENMOTOKO_DB_PATH at another file). " +
                "The database was not changed.");
