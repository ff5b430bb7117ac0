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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Serving_on_a_terminal_logs_lines_without_the_keypad_escape(bool noColor)
    {
        Assert.True(OperatingSystem.IsLinux(), "this test drives util-linux script(1)");
        var dataDir = Directory.CreateTempSubdirectory("openmotoko-tty-").FullName;
        var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--quiet", "--flush", "--command", $"dotnet '{DaemonProcess.DaemonDll}' serve --port 0 --data-dir '{dataDir}'", "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["TERM"] = "xterm";
        start.Environment.Remove("NO_COLOR");
        if (noColor)
        {
            start.Environment["NO_COLOR"] = "1";
        }
        using var process = Process.Start(start)!;
        var shown = new System.Text.StringBuilder();
        try
        {
            var buffer = new char[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!shown.ToString().Contains("listening on", StringComparison.Ordinal))
            {
                var read = await process.StandardOutput.ReadAsync(buffer, timeout.Token);
                Assert.True(read > 0, $"serve ended before listening: {shown}");
                shown.Append(buffer, 0, read);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            Directory.Delete(dataDir, recursive: true);
        }

        var text = shown.ToString();
        Assert.DoesNotContain("\u001b[?1h", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b=", text, StringComparison.Ordinal);
        Assert.Matches(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (\u001b\[32m)?info(\u001b\[0m)?: ", text);
        if (noColor)
        {
            Assert.DoesNotContain("\u001b", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("\u001b[32minfo\u001b[0m", text, StringComparison.Ordinal);
        }
    }
}
