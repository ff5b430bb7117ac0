using System.Runtime.InteropServices;

namespace OpenMotoko.Skills.Files;

/// <summary>The kernel's view of a path: symbolic links in every component resolved (libc realpath).</summary>
internal static partial class NativePath
{
    /// <summary>The canonical path of an existing file or directory, or null when it cannot be resolved.</summary>
    public static string? Real(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.Exists(path) ? Path.GetFullPath(path) : null;
        }
        var resolved = RealPath(path, 0);
        if (resolved == 0)
        {
            return null;
        }
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    /// <summary>What an open handle really points at (Linux /proc), or null where the platform cannot say.</summary>
    public static string? OpenedPath(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        try
        {
            return new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Opens for reading without blocking on a FIFO (a plain open would wait forever for a writer).
    /// Linux only (flag values are the same on x64 and arm64); null elsewhere, where the caller opens normally.
    /// </summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle? OpenReadNonBlocking(string path)
    {
        const int ReadOnlyNonBlockCloseOnExec = 0x0 | 0x800 | 0x80000;
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        var fd = Open(path, ReadOnlyNonBlockCloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"cannot open '{path}': {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        return new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial nint RealPath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial void Free(nint pointer);
}
