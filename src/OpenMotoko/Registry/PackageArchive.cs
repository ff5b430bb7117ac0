using System.Formats.Tar;
using System.IO.Compression;

namespace OpenMotoko.Registry;

/// <summary>
/// Unpacks a skill package (.tar.gz or .zip) into an empty folder, refusing anything that could
/// write outside it or exhaust the disk: absolute paths, <c>..</c>, links, devices, oversized members,
/// too many members. Throws <see cref="RegistryException"/> (PACKAGE_REJECTED) with the reason.
/// </summary>
internal static class PackageArchive
{
    public const int MaxMembers = 200;
    public const long MaxMemberBytes = 2 * 1024 * 1024;
    public const long MaxTotalBytes = 16 * 1024 * 1024;

    public static void Extract(byte[] package, string destination)
    {
        Directory.CreateDirectory(destination);
        var root = Path.GetFullPath(destination);
        try
        {
            if (package is [0x1f, 0x8b, ..])
            {
                ExtractTar(package, root);
            }
            else if (package is [(byte)'P', (byte)'K', 3, 4, ..])
            {
                ExtractZip(package, root);
            }
            else
            {
                throw RegistryException.Rejected("The package is neither a .tar.gz nor a .zip archive.");
            }
        }
        catch (InvalidDataException ex)
        {
            throw RegistryException.Rejected($"The package is not a valid archive: {ex.Message}");
        }
    }

    private static void ExtractTar(byte[] package, string root)
    {
        using var gzip = new GZipStream(new MemoryStream(package), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        var budget = new Budget();
        while (reader.GetNextEntry() is { } entry)
        {
            switch (entry.EntryType)
            {
                case TarEntryType.GlobalExtendedAttributes:
                    continue;
                case TarEntryType.Directory:
                    budget.Count(entry.Name, 0);
                    CreateDirectory(root, entry.Name);
                    continue;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    budget.Count(entry.Name, entry.Length);
                    WriteFile(root, entry.Name, entry.DataStream ?? Stream.Null, entry.Length);
                    continue;
                default:
                    throw RegistryException.Rejected($"The package member '{entry.Name}' is a {entry.EntryType}; only files and folders are allowed.");
            }
        }
    }

    private static void ExtractZip(byte[] package, string root)
    {
        using var zip = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read);
        var budget = new Budget();
        foreach (var entry in zip.Entries)
        {
            var unixType = (entry.ExternalAttributes >> 16) & 0xF000;
            var isDirectory = entry.FullName.EndsWith('/');
            if (unixType != 0 && unixType != 0x8000 && !(isDirectory && unixType == 0x4000))
            {
                throw RegistryException.Rejected($"The package member '{entry.FullName}' is a link or special file; only files and folders are allowed.");
            }
            budget.Count(entry.FullName, entry.Length);
            if (isDirectory)
            {
                CreateDirectory(root, entry.FullName);
                continue;
            }
            using var data = entry.Open();
            WriteFile(root, entry.FullName, data, entry.Length);
        }
    }

    private static void CreateDirectory(string root, string name)
    {
        if (SafePath(root, name) is { } path)
        {
            Directory.CreateDirectory(path);
        }
    }

    private static void WriteFile(string root, string name, Stream data, long declared)
    {
        var path = SafePath(root, name) ?? throw RegistryException.Rejected($"The package member '{name}' has no file name.");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        var buffer = new byte[81920];
        long written = 0;
        int read;
        while ((read = data.Read(buffer)) > 0)
        {
            written += read;
            if (written > declared || written > MaxMemberBytes)
            {
                throw RegistryException.Rejected($"The package member '{name}' is larger than it declares or than {MaxMemberBytes} bytes.");
            }
            file.Write(buffer, 0, read);
        }
    }

    /// <summary>The member's path inside <paramref name="root"/>, or null for the root itself; refuses anything that leaves it.</summary>
    private static string? SafePath(string root, string name)
    {
        if (name.Length == 0 || name.Contains('\0') || name.Contains('\\') || name.Contains(':') || name[0] == '/')
        {
            throw RegistryException.Rejected($"The package member '{name}' has an absolute or unsafe path.");
        }
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Contains(".."))
        {
            throw RegistryException.Rejected($"The package member '{name}' climbs out of the package with '..'.");
        }
        if (parts.Length == 0)
        {
            return null;
        }
        var full = Path.GetFullPath(Path.Combine([root, .. parts]));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw RegistryException.Rejected($"The package member '{name}' would land outside the package.");
    }

    /// <summary>Counts members and declared bytes against the limits before anything is written.</summary>
    private sealed class Budget
    {
        private int _members;
        private long _bytes;

        public void Count(string name, long length)
        {
            if (++_members > MaxMembers)
            {
                throw RegistryException.Rejected($"The package has more than {MaxMembers} members.");
            }
            if (length > MaxMemberBytes)
            {
                throw RegistryException.Rejected($"The package member '{name}' is {length} bytes, more than the {MaxMemberBytes} allowed.");
            }
            _bytes += length;
            if (_bytes > MaxTotalBytes)
            {
                throw RegistryException.Rejected($"The package unpacks to more than {MaxTotalBytes} bytes.");
            }
        }
    }
}
