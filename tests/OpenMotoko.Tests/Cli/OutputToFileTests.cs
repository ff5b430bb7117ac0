using System.Diagnostics;
using OpenMotoko.Tests.Storage;

namespace OpenMotoko.Tests.Cli;

/// <summary>
/// The real binary writing to a regular file that other writers share (one open file, as `{ ...; } &gt;file`
/// and `serve &gt;log 2&gt;&amp;1` give): its lines and theirs follow each other, none overwrites another.
/// </summary>
public sealed class OutputToFileTests
{
    [Fact]
    public async Task Output_to_a_shared_file_is_appended_not_written_over()
    {
        Assert.True(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "this test runs sh");
        var directory = Directory.CreateTempSubdirectory("openmotoko-out-").FullName;
        try
        {
            var file = Path.Combine(directory, "out.txt");
            var start = new ProcessStartInfo("sh") { UseShellExecute = false, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"{{ echo before; dotnet '{DaemonProcess.DaemonDll}' version; echo after; dotnet '{DaemonProcess.DaemonDll}' no-such-command; echo end; }} >'{file}' 2>&1");
            using var process = Process.Start(start)!;
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            var lines = await File.ReadAllLinesAsync(file);
            Assert.Equal("before", lines[0]);
            Assert.StartsWith("openmotoko ", lines[1], StringComparison.Ordinal);
            var after = Array.IndexOf(lines, "after");
            Assert.True(after > 1, string.Join('\n', lines));
            Assert.Contains(lines[(after + 1)..], line => line.Contains("no-such-command", StringComparison.Ordinal));
            Assert.Equal("end", lines[^1]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
