using System.Globalization;

namespace OpenMotoko.Storage;

/// <summary>
/// Timestamped online backups of the database in one folder, keeping the newest few. The copy is
/// <see cref="Database.BackupTo"/>, the same one <c>openmotoko backup</c> makes.
/// </summary>
internal static class BackupFolder
{
    private const string Prefix = "openmotoko-";
    private const string Suffix = ".db";

    /// <summary>Writes a new backup into <paramref name="folder"/>, deletes all but the newest <paramref name="keep"/>, returns its path.</summary>
    public static string Write(Database database, string folder, int keep, DateTimeOffset now)
    {
        Directory.CreateDirectory(folder);
        // Two backup tasks due at the same moment must not write one file: the time, then a random tail.
        var name = $"{Prefix}{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..8]}{Suffix}";
        var path = Path.Combine(folder, name);
        var partial = path + ".partial"; // a crash mid-copy leaves no file that looks like a backup
        File.Delete(partial);
        database.BackupTo(partial);
        File.Move(partial, path, overwrite: true);
        // The names sort by time, so the oldest are first.
        var backups = Directory.GetFiles(folder, Prefix + "*" + Suffix).Order(StringComparer.Ordinal).ToArray();
        foreach (var old in backups.Take(Math.Max(0, backups.Length - keep)))
        {
            File.Delete(old);
        }
        return path;
    }
}
