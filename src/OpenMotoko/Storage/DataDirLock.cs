namespace OpenMotoko.Storage;

/// <summary>
/// `serve` holds an exclusive lock on &lt;data dir&gt;/openmotoko.lock while it runs (the kernel drops it when
/// the process ends, even on SIGKILL), so commands that must not run beside a daemon, such as `restore`,
/// can tell that one is using the data dir, and a second daemon on the same data dir is refused.
/// </summary>
internal static class DataDirLock
{
    public const string FileName = "openmotoko.lock";

    /// <summary>The held lock, or null when another process (or another holder in this one) has it.</summary>
    public static FileStream? TryAcquire(string dataDir)
    {
        try
        {
            return new FileStream(Path.Combine(dataDir, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(Path.Combine(dataDir, FileName)))
        {
            return null;
        }
    }
}
