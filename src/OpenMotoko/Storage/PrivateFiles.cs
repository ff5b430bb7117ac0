namespace OpenMotoko.Storage;

/// <summary>
/// The data dir and the database hold the owner's conversations, keys and password hash: the data
/// dir is created 0700, the database file and its backups 0600, whatever the umask. SQLite gives
/// the -wal, -shm and journal files the database file's own mode.
/// </summary>
internal static class PrivateFiles
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupAndOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates the directory (and missing parents) owner-only; an existing one is left as its owner set it.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, OwnerOnlyDirectory);
    }

    /// <summary>
    /// Creates the database file owner-only before SQLite does (an empty file is a new database), and
    /// takes group and other access away from an existing one and its -wal, -shm and journal files.
    /// </summary>
    public static void SecureDatabase(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        CreateFile(path);
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            try
            {
                var mode = File.GetUnixFileMode(file);
                if ((mode & GroupAndOther) != 0)
                {
                    File.SetUnixFileMode(file, mode & ~GroupAndOther);
                }
            }
            catch (Exception ex) when (ex is FileNotFoundException or UnauthorizedAccessException)
            {
                // absent, or not ours to change (e.g. doctor run by another user): SQLite reports what matters
            }
        }
    }

    /// <summary>Creates an empty owner-only file unless one exists (a backup's target, the database).</summary>
    public static void CreateFile(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile });
        }
        catch (IOException) when (File.Exists(path))
        {
            // another process created it first; SecureDatabase tightens it
        }
    }
}
