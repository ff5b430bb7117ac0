using System.Diagnostics;
using OpenMotoko.Tests.Storage;

namespace OpenMotoko.Tests.Cli;

/// <summary>The real binary with a terminal as its stdout (util-linux `script` gives it a pty): only the text, no terminal escapes.</summary>
public sealed class VersionOnTerminalTests
{
    [Theory]
    [InlineData("version")]
    [InlineData("--help")]
    public async Task Printing_to_a_terminal_writes_no_keypad_escape(string command)
    {
        Assert.True(OperatingSystem.IsLinux(), "this test drives util-linux script(1)");
        var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--quiet", "--return", "--command", $"dotnet '{DaemonProcess.DaemonDll}' {command}", "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["TERM"] = "xterm"; // a terminfo entry with keypad_xmit (smkx), which .NET would write
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var shown = await stdout;

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {shown}{await stderr}");
        Assert.Contains("openmotoko", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", shown, StringComparison.Ordinal); // ESC[?1h ESC= before, ESC[?1l ESC> after
    }
}
