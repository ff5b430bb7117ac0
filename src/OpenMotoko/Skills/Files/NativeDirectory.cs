using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OpenMotoko.Skills.Files;

/// <summary>Device and inode of a file, and its mode (type and permission bits) as the kernel reports them.</summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, int Mode)
{
    public bool IsRegularFile => (Mode & 0xF000) == 0x8000;
    public bool IsDirectory => (Mode & 0xF000) == 0x4000;

    /// <summary>rwx for owner, group and others; never set-id or sticky bits.</summary>
    public UnixFileMode Permissions => (UnixFileMode)(Mode & 0x1FF);

    public bool SameFileAs(FileIdentity other) => Device == other.Device && Inode == other.Inode;
}

/// <summary>
/// Linux calls relative to an open directory (openat, mkdirat, renameat, unlinkat, statx): once a
/// folder is open and checked, a symbolic link swapped into its path can no longer redirect anything.
/// </summary>
internal static partial class NativeDirectory
{
    private const int WriteOnly = 0x1;
    private const int Create = 0x40;
    private const int Exclusive = 0x80;
    private const int CloseOnExec = 0x80000;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxTypeModeInode = 0x1 | 0x2 | 0x100;
    private const int StatxBytes = 256;
    private const int NoEntry = 2;
    private const int AlreadyExists = 17;

    /// <summary>errno ENOTDIR: a file where a folder was expected.</summary>
    public const int NotADirectory = 20;

    /// <summary>errno ELOOP: what O_NOFOLLOW answers for a symbolic link.</summary>
    public const int TooManyLinks = 40;

    // O_DIRECTORY and O_NOFOLLOW are the two open flags whose values differ between x64 and arm.
    private static readonly bool Arm = RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64;
    private static readonly int DirectoryOnly = Arm ? 0x4000 : 0x10000;
    private static readonly int NoFollow = Arm ? 0x8000 : 0x20000;

    /// <summary>Opens a folder by its full path (symbolic links followed: the caller checks where it landed).</summary>
    public static SafeFileHandle OpenDirectory(string path) =>
        Checked(Open(path, DirectoryOnly | CloseOnExec), "cannot open the workspace folder");

    /// <summary>Creates <paramref name="name"/> in <paramref name="parent"/> if missing and opens it; never through a link.</summary>
    public static SafeFileHandle? OpenChildDirectory(SafeFileHandle parent, string name, out int errno)
    {
        if (MakeDirectoryAt(parent, name, 0x1FF) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            if (errno != AlreadyExists)
            {
                return null;
            }
        }
        var handle = OpenAt(parent, name, DirectoryOnly | NoFollow | CloseOnExec, 0);
        errno = handle.IsInvalid ? Marshal.GetLastPInvokeError() : 0;
        if (handle.IsInvalid)
        {
            handle.Dispose();
            return null;
        }
        return handle;
    }

    /// <summary>Creates a new file (O_EXCL: a name that already exists, link or not, is an error) for writing.</summary>
    public static SafeFileHandle CreateFile(SafeFileHandle directory, string name) =>
        Checked(OpenAt(directory, name, WriteOnly | Create | Exclusive | NoFollow | CloseOnExec, 0x1B6), "cannot create a temporary file");

    /// <summary>What <paramref name="name"/> in <paramref name="directory"/> is, without following a link; null when it does not exist.</summary>
    public static FileIdentity? Identify(SafeFileHandle directory, string name)
    {
        Span<byte> buffer = stackalloc byte[StatxBytes];
        if (Statx(directory, name, AtSymlinkNoFollow, StatxTypeModeInode, ref MemoryMarshal.GetReference(buffer)) == 0)
        {
            return Read(buffer);
        }
        var errno = Marshal.GetLastPInvokeError();
        return errno == NoEntry ? null : throw new IOException(Marshal.GetPInvokeErrorMessage(errno));
    }

    /// <summary>What an open handle is.</summary>
    public static FileIdentity Identify(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[StatxBytes];
        if (Statx(handle, "", AtEmptyPath, StatxTypeModeInode, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            throw new IOException(Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        }
        return Read(buffer);
    }

    /// <summary>rename(2) within one folder: replaces <paramref name="to"/> (a link there is replaced, not followed).</summary>
    public static void Rename(SafeFileHandle directory, string from, string to)
    {
        if (RenameAt(directory, from, directory, to) != 0)
        {
            throw new IOException($"cannot replace the file: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    /// <summary>Removes a name from the folder (a link itself, never its target); a missing name is fine.</summary>
    public static void Remove(SafeFileHandle directory, string name) => _ = UnlinkAt(directory, name, 0);

    // struct statx: stx_mode is a u16 at 28, stx_ino a u64 at 32, stx_dev_major/minor u32s at 136 and 140.
    private static FileIdentity Read(ReadOnlySpan<byte> statx)
    {
        var device = ((ulong)MemoryMarshal.Read<uint>(statx[136..]) << 32) | MemoryMarshal.Read<uint>(statx[140..]);
        return new FileIdentity(device, MemoryMarshal.Read<ulong>(statx[32..]), MemoryMarshal.Read<ushort>(statx[28..]));
    }

    private static SafeFileHandle Checked(SafeFileHandle handle, string what)
    {
        if (!handle.IsInvalid)
        {
            return handle;
        }
        var errno = Marshal.GetLastPInvokeError();
        handle.Dispose();
        throw new IOException($"{what}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial SafeFileHandle Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "openat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial SafeFileHandle OpenAt(SafeFileHandle directory, string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "mkdirat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int MakeDirectoryAt(SafeFileHandle directory, string path, int mode);

    [LibraryImport("libc", EntryPoint = "renameat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int RenameAt(SafeFileHandle fromDirectory, string from, SafeFileHandle toDirectory, string to);

    [LibraryImport("libc", EntryPoint = "unlinkat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int UnlinkAt(SafeFileHandle directory, string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Statx(SafeFileHandle directory, string path, int flags, uint mask, ref byte buffer);
}
