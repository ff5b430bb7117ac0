using System.CommandLine;
using Microsoft.Data.Sqlite;
using OpenMotoko.Hosting;
using OpenMotoko.Storage;

namespace OpenMotoko.Cli;

/// <summary>
/// `openmotoko restore FILE`: puts a backup back as the database. The file must pass SQLite's quick_check
/// and be an OpenMotoko database this version can open; no daemon may be using the data dir; the database
/// it replaces is kept beside it as openmotoko.db.bak (then .bak.1, ...).
/// </summary>
internal sealed class RestoreCommand : Command
{
    private static readonly Argument<string> FileArgument = new("FILE") { Description = "The backup to restore (a file written by `openmotoko backup`)." };
    private static readonly Option<string?> DataDirOption = CommonOptions.DataDir();

    public RestoreCommand(CliContext context)
        : base("restore", "Replace the database with the backup FILE (checked first); the replaced one is kept as .bak. The daemon must be stopped.")
    {
        Arguments.Add(FileArgument);
        Options.Add(DataDirOption);
        SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var source = Path.GetFullPath(parseResult.GetValue(FileArgument)!);
            try
            {
                var dataDir = DataDirectory.Resolve(parseResult.GetValue(DataDirOption), context.Environment);
                var target = new DaemonOptions { DataDir = dataDir, Environment = context.Environment }.DatabasePath;
                if (Problem(source, target) is { } problem)
                {
                    error.WriteLine($"openmotoko: {problem}; nothing was changed.");
                    return ExitCodes.Failure;
                }
                PrivateFiles.CreateDirectory(dataDir);
                using var held = DataDirLock.TryAcquire(dataDir);
                if (held is null)
                {
                    error.WriteLine($"openmotoko: a running openmotoko is using {dataDir}; stop it first (e.g. systemctl stop openmotoko), then restore. Nothing was changed.");
                    return ExitCodes.Failure;
                }
                var kept = Replace(source, target);
                output.WriteLine($"Restored {source} to {target}." + (kept is null ? "" : $" The replaced database is kept as {kept}."));
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (StorageCommand.IsUserError(ex))
            {
                error.WriteLine($"openmotoko: {ex.Message}");
                return ExitCodes.Failure;
            }
        });
    }

    /// <summary>Why <paramref name="source"/> cannot be restored, or null.</summary>
    private static string? Problem(string source, string target)
    {
        if (!File.Exists(source))
        {
            return $"there is no file {source}";
        }
        if (string.Equals(source, target, StringComparison.Ordinal))
        {
            return "that file is the database itself";
        }
        try
        {
            using var connection = new SqliteConnection($"Data Source={source};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check;";
            if (command.ExecuteScalar() as string != "ok")
            {
                return $"{source} is damaged (SQLite's quick_check failed)";
            }
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('settings', 'owner_password', 'conversations')";
            var version = Migrator.ReadVersion(connection);
            if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 3 || version < 1)
            {
                return $"{source} is an SQLite database but not an OpenMotoko one";
            }
            return version > Migrator.LatestVersion
                ? $"{source} was written by a newer openmotoko (schema version {version}, this one knows {Migrator.LatestVersion}); upgrade first"
                : null;
        }
        catch (SqliteException)
        {
            return $"{source} is not an SQLite database";
        }
    }

    /// <summary>Moves the current database (its WAL folded in) aside and copies the backup in its place; returns where the old one went.</summary>
    private static string? Replace(string source, string target)
    {
        string? kept = null;
        if (File.Exists(target))
        {
            using (var current = new SqliteConnection($"Data Source={target};Pooling=False"))
            {
                current.Open();
                using var checkpoint = current.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                checkpoint.ExecuteNonQuery();
            }
            kept = target + ".bak";
            for (var n = 1; File.Exists(kept); n++)
            {
                kept = $"{target}.bak.{n}";
            }
            File.Move(target, kept);
        }
        foreach (var leftover in new[] { target + "-wal", target + "-shm", target + "-journal" })
        {
            File.Delete(leftover);
        }
        var incoming = target + ".restoring";
        File.Copy(source, incoming, overwrite: true);
        File.Move(incoming, target, overwrite: true);
        PrivateFiles.SecureDatabase(target);
        return kept;
    }
}
