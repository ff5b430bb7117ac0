using System.Diagnostics;
using OpenMotoko.Tests.Storage;

namespace OpenMotoko.Tests.Cli;

/// <summary>The real binary on a taken port: what a person sees on the terminal is a hint, not a stack trace.</summary>
public sealed class BusyPortProcessTests
{
    [Fact]
    public async Task Serve_on_a_busy_port_prints_a_hint_and_no_stack_trace()
    {
        var dataDir = Cli.TempDir();
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { DaemonProcess.DaemonDll, "serve", "--host", "127.0.0.1", "--port", port, "--data-dir", dataDir })
            {
                start.ArgumentList.Add(argument);
            }
            start.Environment["OPENMOTOKO_PASSWORD"] = TestApp.Password;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var all = await stdout + await stderr;

            Assert.Equal(3, process.ExitCode);
            Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", all, StringComparison.Ordinal);
            Assert.Contains("--port", all.Trim().Split('\n')[^1], StringComparison.Ordinal);
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }
}
