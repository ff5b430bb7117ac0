using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace OpenMotoko.Skills.Files;

/// <summary>Reading and writing workspace files safely: binary detection, size limits, atomic replace.</summary>
internal static class TextFiles
{
    public const int MaxReadBytes = 1024 * 1024;
    public const int MaxWriteBytes = 5 * 1024 * 1024;
    private const int SniffBytes = 8192;

    /// <summary>A NUL byte or invalid UTF-8 in the first 8 KiB marks a file as binary.</summary>
    public static bool LooksBinary(ReadOnlySpan<byte> head, bool complete)
    {
        if (head.Contains((byte)0))
        {
            return true;
        }
        var chars = ArrayPool<char>.Shared.Rent(head.Length + 1);
        try
        {
            return Utf8.ToUtf16(head, chars, out _, out _, replaceInvalidSequences: false, isFinalBlock: complete) == OperationStatus.InvalidData;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Opens a file for reading and confirms the handle is inside the workspace.</summary>
    public static FileStream? OpenRead(WorkspacePaths workspace, WorkspacePath path, out string error)
    {
        error = "";
        if (Directory.Exists(path.FullPath))
        {
            error = $"'{path.RelativePath}' is a directory; use list_directory";
            return null;
        }
        if (!File.Exists(path.FullPath))
        {
            error = $"'{path.RelativePath}' does not exist";
            return null;
        }
        var stream = NativePath.OpenReadNonBlocking(path.FullPath) is { } handle
            ? new FileStream(handle, FileAccess.Read)
            : new FileStream(path.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (!stream.CanSeek)
        {
            stream.Dispose();
            error = $"'{path.RelativePath}' is not a regular file (a pipe or device); refused";
            return null;
        }
        if (!workspace.IsOpenedInside(stream.SafeFileHandle))
        {
            stream.Dispose();
            error = $"'{path.RelativePath}' changed to point outside the workspace while opening; refused";
            return null;
        }
        return stream;
    }

    /// <summary>Reads a whole text file of at most <paramref name="maxBytes"/>; null with a reason when binary or too big.</summary>
    public static async Task<string?> ReadTextAsync(WorkspacePaths workspace, WorkspacePath path, int maxBytes, CancellationToken cancellationToken, Action<string> fail)
    {
        await using var stream = OpenRead(workspace, path, out var error);
        if (stream is null)
        {
            fail(error);
            return null;
        }
        if (stream.Length > maxBytes)
        {
            fail($"'{path.RelativePath}' is {stream.Length} bytes, over the limit of {maxBytes}");
            return null;
        }
        var bytes = new byte[stream.Length];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        if (LooksBinary(bytes.AsSpan(0, Math.Min(bytes.Length, SniffBytes)), bytes.Length <= SniffBytes))
        {
            fail($"'{path.RelativePath}' is a binary file, {bytes.Length} bytes");
            return null;
        }
        return new UTF8Encoding(false).GetString(bytes);
    }

    /// <summary>Head of a file for binary sniffing: up to 8 KiB and whether that is all of it.</summary>
    public static (byte[] Head, bool Complete) Sniff(FileStream stream)
    {
        var head = new byte[Math.Min(SniffBytes, Math.Max(0, stream.Length))];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        return (head[..read], stream.Length <= SniffBytes);
    }

    /// <summary>
    /// Writes through a new temp file beside the target, then renames it over the target: readers see
    /// the old or the new file, never half of one (see <see cref="AtomicFileWriter"/>).
    /// </summary>
    public static Task<string?> WriteAtomicAsync(WorkspacePaths workspace, WorkspacePath path, string content, CancellationToken cancellationToken)
    {
        var bytes = new UTF8Encoding(false).GetBytes(content);
        return bytes.Length > MaxWriteBytes
            ? Task.FromResult<string?>($"content is {bytes.Length} bytes, over the limit of {MaxWriteBytes}")
            : AtomicFileWriter.WriteAsync(workspace, path, bytes, cancellationToken);
    }
}
