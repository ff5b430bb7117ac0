using Microsoft.Win32.SafeHandles;

namespace OpenMotoko.Skills.Files;

/// <summary>
/// Replaces a workspace file atomically while other processes (the shell tool's commands) may be
/// changing the same folder: the target's folder is opened once, component by component without
/// following links, and checked; the temp file is created in it with O_EXCL, its mode set through
/// the open handle, and it is renamed only if the name still holds the file that was written.
/// </summary>
internal static class AtomicFileWriter
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>; null on success, else a reason for the model.</summary>
    public static Task<string?> WriteAsync(WorkspacePaths workspace, WorkspacePath path, byte[] bytes, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path.FullPath))
        {
            return Task.FromResult<string?>($"'{path.RelativePath}' is a directory");
        }
        return OperatingSystem.IsLinux()
            ? WriteInFolderAsync(workspace, path, bytes, cancellationToken)
            : WriteByPathAsync(workspace, path, bytes, cancellationToken);
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static async Task<string?> WriteInFolderAsync(WorkspacePaths workspace, WorkspacePath path, byte[] bytes, CancellationToken cancellationToken)
    {
        using var folder = OpenFolder(workspace, path, out var error);
        if (folder is null)
        {
            return error;
        }
        var name = Path.GetFileName(path.FullPath);
        var existing = NativeDirectory.Identify(folder, name);
        if (existing is { IsDirectory: true })
        {
            return $"'{path.RelativePath}' is a directory";
        }
        var temp = $".{name}.{Guid.NewGuid():N}.tmp";
        var renamed = false;
        try
        {
            await using (var stream = new FileStream(NativeDirectory.CreateFile(folder, temp), FileAccess.Write))
            {
                if (existing is { IsRegularFile: true } old)
                {
                    File.SetUnixFileMode(stream.SafeFileHandle, old.Permissions); // fchmod: the handle, never a name
                }
                await stream.WriteAsync(bytes, cancellationToken);
                stream.Flush(flushToDisk: true);
                if (NativeDirectory.Identify(folder, temp) is not { } named || !named.SameFileAs(NativeDirectory.Identify(stream.SafeFileHandle)))
                {
                    return $"'{path.RelativePath}' was not written: another process replaced its temporary file meanwhile; refused";
                }
            }
            if (!workspace.IsOpenedInside(folder))
            {
                return $"the folder of '{path.RelativePath}' was moved out of the workspace while writing; refused";
            }
            NativeDirectory.Rename(folder, temp, name);
            renamed = true;
            return null;
        }
        finally
        {
            if (!renamed)
            {
                NativeDirectory.Remove(folder, temp);
            }
        }
    }

    /// <summary>The target's folder, reached from the workspace root one real folder at a time (created when missing).</summary>
    private static SafeFileHandle? OpenFolder(WorkspacePaths workspace, WorkspacePath path, out string error)
    {
        error = "";
        var root = workspace.Root;
        var folder = NativeDirectory.OpenDirectory(root);
        if (!workspace.IsOpenedInside(folder))
        {
            folder.Dispose();
            error = "the workspace folder changed while writing; refused";
            return null;
        }
        var walked = "";
        foreach (var part in Path.GetRelativePath(root, Path.GetDirectoryName(path.FullPath)!).Split(Path.DirectorySeparatorChar))
        {
            if (part is "." or "")
            {
                continue;
            }
            walked = walked.Length == 0 ? part : $"{walked}/{part}";
            var errno = 0;
            var child = part == ".." ? null : NativeDirectory.OpenChildDirectory(folder, part, out errno);
            folder.Dispose();
            if (child is null)
            {
                error = errno is 0 or NativeDirectory.NotADirectory or NativeDirectory.TooManyLinks
                    ? $"'{walked}' is not a folder (a file, or a symbolic link put there meanwhile); '{path.RelativePath}' was not written"
                    : throw new IOException($"cannot create or open the folder '{walked}': {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}");
                return null;
            }
            folder = child;
        }
        if (!workspace.IsOpenedInside(folder))
        {
            folder.Dispose();
            error = $"the folder of '{path.RelativePath}' changed to point outside the workspace; refused";
            return null;
        }
        return folder;
    }

    /// <summary>
    /// Where openat and friends are not used (macOS, Windows): the temp file beside the target with
    /// O_EXCL, its mode set through the handle, the folder's real path checked before and after.
    /// </summary>
    private static async Task<string?> WriteByPathAsync(WorkspacePaths workspace, WorkspacePath path, byte[] bytes, CancellationToken cancellationToken)
    {
        var parent = Path.GetDirectoryName(path.FullPath)!;
        Directory.CreateDirectory(parent);
        if (NativePath.Real(parent) is not { } realParent || !WorkspacePaths.IsInside(realParent, workspace.Root))
        {
            return $"the folder of '{path.RelativePath}' changed to point outside the workspace; refused";
        }
        var temp = Path.Join(realParent, $".{Path.GetFileName(path.FullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                if (!workspace.IsOpenedInside(stream.SafeFileHandle))
                {
                    return $"the folder of '{path.RelativePath}' changed to point outside the workspace; refused";
                }
                if (!OperatingSystem.IsWindows() && File.Exists(path.FullPath))
                {
                    File.SetUnixFileMode(stream.SafeFileHandle, File.GetUnixFileMode(path.FullPath) & (UnixFileMode)0x1FF);
                }
                await stream.WriteAsync(bytes, cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            if (NativePath.Real(parent) != realParent)
            {
                return $"the folder of '{path.RelativePath}' changed while writing; refused";
            }
            File.Move(temp, Path.Join(realParent, Path.GetFileName(path.FullPath)), overwrite: true);
            return null;
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
