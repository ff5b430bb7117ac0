using System.Formats.Tar;
using System.IO.Compression;

namespace OpenMotoko.Registry;

/// <summary>
/// Unpacks a skill package (.tar.gz or .zip) into an empty folder, refusing anything that could
/// write outside it or exhaust the disk or memory: absolute paths, <c>..</c>, links, devices,
/// oversized members or headers, too many of them, and two members at one path. Throws
/// <see cref="RegistryException"/> (PACKAGE_REJECTED) with the reason.
/// </summary>
internal static class PackageArchive
{
    /// <summary>Longest member path (bytes of UTF-8) and longest single name in it, as file systems allow.</summary>
    private const int MaxPathBytes = 1024;
    private const int MaxNameBytes = 255;

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
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or EndOfStreamException)
        {
            throw RegistryException.Rejected($"The package is not a valid archive: {ex.Message}");
        }
    }

    private static void ExtractTar(byte[] package, string root)
    {
        using var gzip = new GZipStream(new MemoryStream(package), CompressionMode.Decompress);
        var budget = new PackageBudget();
        var members = new TarMembers(gzip, budget);
        while (members.Next() is { } member)
        {
            var type = (TarEntryType)member.Type;
            switch (type)
            {
                case TarEntryType.Directory:
                    budget.CountMember(member.Name, member.Size);
                    if (member.Size != 0)
                    {
                        throw RegistryException.Rejected($"The package member '{PackageBudget.Shown(member.Name)}' is a folder with data.");
                    }
                    CreateDirectory(root, member.Name, budget);
                    continue;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    budget.CountMember(member.Name, member.Size);
                    WriteFile(root, member.Name, members.ReadData, member.Size, budget);
                    continue;
                default:
                    throw RegistryException.Rejected($"The package member '{PackageBudget.Shown(member.Name)}' is a {type}; only files and folders are allowed.");
            }
        }
    }

    private static void ExtractZip(byte[] package, string root)
    {
        using var zip = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read);
        var budget = new PackageBudget();
        foreach (var entry in zip.Entries)
        {
            var unixType = (entry.ExternalAttributes >> 16) & 0xF000;
            var isDirectory = entry.FullName.EndsWith('/');
            if (unixType != 0 && unixType != 0x8000 && !(isDirectory && unixType == 0x4000))
            {
                throw RegistryException.Rejected($"The package member '{PackageBudget.Shown(entry.FullName)}' is a link or special file; only files and folders are allowed.");
            }
            budget.CountMember(entry.FullName, entry.Length);
            if (isDirectory)
            {
                CreateDirectory(root, entry.FullName, budget);
                continue;
            }
            using var data = entry.Open();
            WriteFile(root, entry.FullName, buffer => data.Read(buffer), entry.Length, budget);
        }
    }

    private static void CreateDirectory(string root, string name, PackageBudget budget)
    {
        if (SafePath(root, name, budget, folder: true) is { } path)
        {
            Directory.CreateDirectory(path);
        }
    }

    private static void WriteFile(string root, string name, Func<byte[], int> read, long declared, PackageBudget budget)
    {
        var path = SafePath(root, name, budget, folder: false)
            ?? throw RegistryException.Rejected($"The package member '{PackageBudget.Shown(name)}' has no file name.");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        var buffer = new byte[81920];
        long written = 0;
        int count;
        while ((count = read(buffer)) > 0)
        {
            written += count;
            if (written > declared || written > PackageBudget.MaxMemberBytes)
            {
                throw RegistryException.Rejected($"The package member '{PackageBudget.Shown(name)}' is larger than it declares or than {PackageBudget.MaxMemberBytes} bytes.");
            }
            file.Write(buffer, 0, count);
        }
    }

    /// <summary>
    /// The member's path inside <paramref name="root"/>, or null for the root itself; refuses anything
    /// that leaves it, names no file system takes, and a path an earlier member already holds.
    /// </summary>
    private static string? SafePath(string root, string name, PackageBudget budget, bool folder)
    {
        if (name.Length == 0 || name.Contains('\0') || name.Contains('\\') || name.Contains(':') || name[0] == '/')
        {
            throw RegistryException.Rejected($"The package member '{PackageBudget.Shown(name)}' has an absolute or unsafe path.");
        }
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Contains(".."))
        {
            throw RegistryException.Rejected($"The package member '{PackageBudget.Shown(name)}' climbs out of the package with '..'.");
        }
        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxPathBytes || parts.Any(p => System.Text.Encoding.UTF8.GetByteCount(p) > MaxNameBytes))
        {
            throw RegistryException.Rejected($"The package member '{PackageBudget.Shown(name)}' has a path longer than {MaxPathBytes} bytes or a name longer than {MaxNameBytes}.");
        }
        if (parts.Length == 0)
        {
            return null;
        }
        budget.Claim(name, parts, folder);
        var full = Path.GetFullPath(Path.Combine([root, .. parts]));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw RegistryException.Rejected($"The package member '{PackageBudget.Shown(name)}' would land outside the package.");
    }
}
