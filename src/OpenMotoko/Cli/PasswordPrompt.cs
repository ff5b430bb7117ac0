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
        // Console.ReadKey and Console.In would put the terminal in keypad mode (an escape sequence on screen): read the raw stream.
        using var raw = context.OwnsProcess ? new StreamReader(Console.OpenStandardInput()) : null;
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
