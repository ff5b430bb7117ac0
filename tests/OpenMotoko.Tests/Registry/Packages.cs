using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace OpenMotoko.Tests.Registry;

/// <summary>Builds package archives at test time, including hostile ones a real tar or zip tool could produce.</summary>
internal static class Packages
{
    public const string SkillMd = "---\nname: test-skill\ndescription: A skill built by the tests.\n---\nDo the thing.\n";

    public static byte[] TarGz(params TarEntry[] entries)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }
        return output.ToArray();
    }

    public static PaxTarEntry File(string name, string content) => File(name, Encoding.UTF8.GetBytes(content));

    public static PaxTarEntry File(string name, byte[] content) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) };

    public static PaxTarEntry Folder(string name) => new(TarEntryType.Directory, name);

    public static PaxTarEntry Link(TarEntryType type, string name, string target) => new(type, name) { LinkName = target };

    public static byte[] Zip(params (string Name, byte[] Content, int UnixMode)[] entries)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content, mode) in entries)
            {
                var entry = zip.CreateEntry(name);
                entry.ExternalAttributes = mode << 16;
                using var stream = entry.Open();
                stream.Write(content);
            }
        }
        return output.ToArray();
    }
}
