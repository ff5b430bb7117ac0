using System.Text;
using Microsoft.Win32.SafeHandles;

namespace OpenMotoko.Cli;

/// <summary>
/// The process's own descriptors, without System.Console. On Unix, the first use of Console.Out, Console.In,
/// ReadKey or a console stream initializes the terminal and writes terminfo's keypad_xmit (ESC[?1h ESC=)
/// to it, which shows as garbage before `openmotoko version`'s output and leaves the keypad in application mode.
/// </summary>
internal static class RawConsole
{
    public static FileStream Open(int descriptor, FileAccess access) =>
        new(new SafeFileHandle(descriptor, ownsHandle: false), access, 1);

    /// <summary>A writer on stdout (1) or stderr (2) that reaches the descriptor at once (prompts show before input is read).</summary>
    public static TextWriter Writer(int descriptor) =>
        OperatingSystem.IsWindows() ? (descriptor == 2 ? Console.Error : Console.Out)
        : new StreamWriter(Open(descriptor, FileAccess.Write), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
}
