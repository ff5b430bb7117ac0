using System.Reflection;
using Microsoft.Data.Sqlite;

namespace OpenMotoko.Storage;

/// <summary>Applies the embedded, ordered migration scripts, tracked by <c>PRAGMA user_version</c>.</summary>
internal static class Migrator
{
    private const string Prefix = "migrations/";

    /// <summary>The schema version this binary knows: the number of embedded scripts.</summary>
    public static int LatestVersion => Scripts.Value.Count;

    private static readonly Lazy<IReadOnlyList<string>> Scripts = new(LoadScripts);

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
        var scripts = Scripts.Value;
        for (var version = current + 1; version <= scripts.Count; version++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, scripts[version - 1], transaction);
            Execute(connection, $"PRAGMA user_version = {version};", transaction);
            transaction.Commit();
        }
        return scripts.Count - current;
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

    private static IReadOnlyList<string> LoadScripts()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var names = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var scripts = new List<string>(names.Length);
        foreach (var name in names)
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            scripts.Add(reader.ReadToEnd());
        }
        return scripts;
    }
}

internal sealed class DatabaseTooNewException(string path, int found, int known)
    : Exception($"The database {path} has schema version {found}, but this openmotoko knows only up to {known}. " +
                "It was written by a newer openmotoko: upgrade the binary (or point OPENMOTOKO_DB_PATH at another file). " +
                "The database was not changed.");
