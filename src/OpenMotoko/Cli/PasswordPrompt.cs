using System.Diagnostics;
using OpenMotoko.Auth;

namespace OpenMotoko.Cli;

/// <summary>
/// Reads a new password for `passwd`: one line when stdin is piped, else asked twice on the terminal
/// with echo off. A missing, short or mismatched entry is refused with the one reason that applies,
/// and a short first entry is refused before it is asked again.
/// </summary>
internal static class PasswordPrompt
{
    public static (string? Password, string Problem) Read(CliContext context, TextWriter output)
    {
        if (context.InputIsRedirected)
        {
            return Checked(context.Input.ReadLine());
        }
        // Console.ReadKey, Console.In and Console.OpenStandardInput would put the terminal in keypad mode (an escape sequence
        // on screen) and restore echo after stty exits: read descriptor 0 itself.
        using var raw = context.OwnsProcess ? new StreamReader(RawConsole.Open(0, FileAccess.Read)) : null;
        var input = raw ?? context.Input;
        output.Write("New password: ");
        var (first, problem) = Checked(ReadHidden(input, context.OwnsProcess, output));
        if (first is null)
        {
            return (null, problem);
        }
        output.Write("Repeat it: ");
        var second = ReadHidden(input, context.OwnsProcess, output);
        return second == first ? (first, "") : (null, "the two entries differ");
    }

    private static (string? Password, string Problem) Checked(string? password) =>
        string.IsNullOrEmpty(password) ? (null, "no input")
        : OwnerPassword.Problem(password) is { } problem ? (null, problem)
        : (password, "");

    private static string? ReadHidden(TextReader input, bool terminal, TextWriter output)
    {
        var echoOff = terminal && Stty("-echo");
        try
        {
            return input.ReadLine();
        }
        finally
        {
            if (echoOff)
            {
                Stty("echo");
                output.WriteLine();
            }
        }
    }

    /// <summary>
    /// Writers straight to file descriptors 1 and 2 for a prompt on a terminal: .NET's Console, on its first write to a
    /// terminal, switches it to keypad mode and prints that escape sequence (again after each child process such as stty).
    /// </summary>
    public static (TextWriter Output, TextWriter Error) RawTerminal() => (Raw(1), Raw(2));

    private static StreamWriter Raw(int descriptor) => new(RawConsole.Open(descriptor, FileAccess.Write)) { AutoFlush = true };

    /// <summary>Switches the terminal's echo with stty on the inherited stdin; false when that is not possible.</summary>
    private static bool Stty(string mode)
    {
        try
        {
            using var stty = Process.Start(new ProcessStartInfo("stty", mode) { UseShellExecute = false });
            stty?.WaitForExit();
            return stty?.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
