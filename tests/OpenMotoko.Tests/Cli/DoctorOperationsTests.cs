using System.Net;
using System.Net.Sockets;
using System.Text;
using OpenMotoko.Tests.Tailscale;

namespace OpenMotoko.Tests.Cli;

/// <summary>doctor's service, Tailscale, clock, disk and provider checks against fake systemctl/tailscale/timedatectl and a local HTTP server.</summary>
[Collection("cli")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DoctorOperationsTests : IDisposable
{
    private readonly string _home = Cli.TempDir();

    public void Dispose() => Cli.Delete(_home);

    /// <summary>Answers every connection with an HTTP 404, as a provider's base URL without a path does.</summary>
    private static (TcpListener Listener, Task Serving) ServeHttp()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await listener.AcceptTcpClientAsync();
                    var stream = client.GetStream();
                    await stream.ReadAtLeastAsync(new byte[4096], 1, throwOnEndOfStream: false);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
            {
                // stopped
            }
        });
        return (listener, serving);
    }

    [Fact]
    public async Task Doctor_checks_the_service_tailscale_clock_disk_and_providers_and_says_what_to_do()
    {
        var tools = new FakeTools(Path.Combine(_home, "fakes"));
        tools.Add("systemctl", "echo failed", exitCode: 3);
        tools.Add("timedatectl", "echo no");
        var tailscale = new FakeTailscale(Path.Combine(_home, "tailscale"), serve: FakeTailscale.Serving);
        var unit = Directory.CreateDirectory(Path.Combine(_home, ".config", "systemd", "user")).FullName;
        File.WriteAllText(Path.Combine(unit, "openmotoko.service"), "[Service]\n");
        var (listener, serving) = ServeHttp();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var result = await Cli.RunAsync(["doctor", "--data-dir", Path.Combine(_home, "data"), "--port", "0"], new()
        {
            ["HOME"] = _home,
            ["PATH"] = tools.SearchPath,
            ["TAILSCALE_CLI"] = tailscale.Path,
            ["ANTHROPIC_API_KEY"] = "sk-ant-doctor-0123456789",
            ["ANTHROPIC_BASE_URL"] = $"http://127.0.0.1:{port}",
            ["OPENAI_API_KEY"] = "sk-openai-doctor-0123456789",
            ["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1",
        });
        listener.Stop();
        await serving;

        var lines = result.Output.Split('\n');
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(lines, l => l.StartsWith("[ ok ] database ", StringComparison.Ordinal) && l.Contains("quick_check ok", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("[ ok ] ", StringComparison.Ordinal) && l.Contains("GB free in", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("[warn] the clock", StringComparison.Ordinal) && l.Contains("sudo timedatectl set-ntp true", StringComparison.Ordinal));
        Assert.Contains("[FAIL] service installed but failed: see 'openmotoko service logs --user', then 'systemctl --user restart openmotoko'", lines);
        Assert.Contains("[ ok ] Tailscale is up as raspberrypi.tail1234.ts.net on owner@example.com", lines);
        Assert.Contains("[ ok ] Tailscale serves HTTPS at https://raspberrypi.tail1234.ts.net/", lines);
        Assert.Contains($"[ ok ] provider anthropic answers at http://127.0.0.1:{port}", lines);
        Assert.Contains(lines, l => l.StartsWith("[FAIL] provider openai does not answer at http://127.0.0.1:9", StringComparison.Ordinal)
            && l.Contains("openaiBaseUrl", StringComparison.Ordinal));
        Assert.Contains("systemctl --user is-active openmotoko.service", tools.Calls);
        Assert.DoesNotContain("sk-ant-doctor", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_says_how_to_install_the_service_and_log_in_to_tailscale()
    {
        var tools = new FakeTools(Path.Combine(_home, "fakes"));
        tools.Add("timedatectl", "echo yes");
        var tailscale = new FakeTailscale(Path.Combine(_home, "tailscale"), status: FakeTailscale.NeedsLoginStatus);

        var result = await Cli.RunAsync(["doctor", "--data-dir", Path.Combine(_home, "data"), "--port", "0"],
            new() { ["HOME"] = _home, ["PATH"] = tools.SearchPath, ["TAILSCALE_CLI"] = tailscale.Path });

        var lines = result.Output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("[warn] not installed as a service: run 'openmotoko service install'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("[warn] Tailscale is installed but not logged in or not up (NeedsLogin): run 'sudo tailscale up'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("[ ok ] the clock says", StringComparison.Ordinal) && l.EndsWith(", synchronised by NTP", StringComparison.Ordinal));

        var missing = await Cli.RunAsync(["doctor", "--data-dir", Path.Combine(_home, "data"), "--port", "0"],
            new() { ["HOME"] = _home, ["PATH"] = tools.SearchPath, ["TAILSCALE_CLI"] = Path.Combine(_home, "none") });
        Assert.Contains("[warn] Tailscale is not installed", missing.Output, StringComparison.Ordinal);
    }
}
