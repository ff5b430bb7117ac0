namespace OpenMotoko.Skills.Files;

/// <summary>Walks a folder breadth-first without ever following a symbolic link into another folder.</summary>
internal static class WorkspaceWalker
{
    public static IEnumerable<FileSystemInfo> Walk(string directory, bool recursive)
    {
        var pending = new Queue<DirectoryInfo>();
        pending.Enqueue(new DirectoryInfo(directory));
        while (pending.TryDequeue(out var current))
        {
            FileSystemInfo[] entries;
            try
            {
                entries = current.GetFileSystemInfos();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var entry in entries)
            {
                yield return entry;
                if (recursive && entry is DirectoryInfo child && entry.LinkTarget is null)
                {
                    pending.Enqueue(child);
                }
            }
        }
    }
}
