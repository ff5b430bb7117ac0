using System.Runtime.InteropServices;
using System.Text;

namespace OpenMotoko.Cli;

/// <summary>
/// The process's own descriptors, without System.Console. On Unix, the first use of Console.Out, Console.In,
/// ReadKey or a console stream initializes the terminal and writes terminfo's keypad_xmit (ESC[?1h ESC=)
/// to it, which shows as garbage before `openmotoko version`'s output and leaves the keypad in application mode.
/// </summary>
internal static class RawConsole
{
    /// <summary>A stream on descriptor 0, 1 or 2 (not owned: disposing it leaves the descriptor open).</summary>
    public static Stream Open(int descriptor, FileAccess access) =>
        OperatingSystem.IsWindows()
            ? (descriptor == 0 ? Console.OpenStandardInput() : descriptor == 2 ? Console.OpenStandardError() : Console.OpenStandardOutput())
            : new DescriptorStream(descriptor, access);

    /// <summary>A writer on stdout (1) or stderr (2) that reaches the descriptor at once (prompts show before input is read).</summary>
    public static TextWriter Writer(int descriptor) =>
        OperatingSystem.IsWindows() ? (descriptor == 2 ? Console.Error : Console.Out)
        : new StreamWriter(Open(descriptor, FileAccess.Write), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
}

/// <summary>
/// read(2) and write(2) on an inherited descriptor. Not a FileStream: on a regular file FileStream writes at
/// positions it tracks itself (pwrite) and never moves the descriptor's shared offset, so with stdout and
/// stderr on one file (`serve &gt;log 2&gt;&amp;1`, `doctor &gt;&gt;report`) each would overwrite the other's lines.
/// </summary>
internal sealed partial class DescriptorStream(int descriptor, FileAccess access) : Stream
{
    private const int Interrupted = 4; // EINTR on Linux and macOS

    public override bool CanRead => access.HasFlag(FileAccess.Read);
    public override bool CanWrite => access.HasFlag(FileAccess.Write);
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override unsafe int Read(Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            while (true)
            {
                var read = SysRead(descriptor, start, (nuint)buffer.Length);
                if (read >= 0)
                {
                    return (int)read;
                }
                WaitOrThrow("read from");
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            var done = 0;
            while (done < buffer.Length)
            {
                var written = SysWrite(descriptor, start + done, (nuint)(buffer.Length - done));
                if (written >= 0)
                {
                    done += (int)written;
                    continue;
                }
                WaitOrThrow("write to");
            }
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    // Interrupted: try again. A non-blocking descriptor (a parent may hand one down) that is full or
    // empty: wait a moment, then try again. Anything else is an error.
    private void WaitOrThrow(string what)
    {
        var error = Marshal.GetLastPInvokeError();
        if (error == Interrupted)
        {
            return;
        }
        if (error == (OperatingSystem.IsMacOS() ? 35 : 11)) // EAGAIN
        {
            Thread.Sleep(1);
            return;
        }
        throw new IOException($"Could not {what} descriptor {descriptor}: {Marshal.GetPInvokeErrorMessage(error)}", error);
    }

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static unsafe partial nint SysRead(int descriptor, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static unsafe partial nint SysWrite(int descriptor, byte* buffer, nuint count);
}
