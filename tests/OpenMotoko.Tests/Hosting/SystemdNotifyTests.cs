using System.Net.Sockets;
using System.Text;
using OpenMotoko.Hosting;

namespace OpenMotoko.Tests.Hosting;

/// <summary>The daemon speaks sd_notify to a real unix datagram socket, as systemd's would be.</summary>
public sealed class SystemdNotifyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("openmotoko-notify-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Socket Listen(string address)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(address.StartsWith('@') ? "\0" + address[1..] : address));
        return socket;
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    [Fact]
    public async Task Daemon_says_ready_pings_the_watchdog_on_the_clock_and_says_stopping()
    {
        var address = Path.Combine(_directory, "notify.sock");
        using var systemd = Listen(address);
        var app = await TestApp.StartAsync(new()
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["NOTIFY_SOCKET"] = address,
            ["WATCHDOG_USEC"] = "60000000",
            ["WATCHDOG_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        try
        {
            var ready = await ReceiveAsync(systemd);
            Assert.StartsWith("READY=1\n", ready, StringComparison.Ordinal);
            Assert.Contains($"STATUS=serving on http://127.0.0.1:{app.BaseAddress.Port}, 0 channels running", ready, StringComparison.Ordinal);

            // Half of WatchdogSec on the daemon's clock, after the database and the scheduler answered.
            var ping = ReceiveAsync(systemd);
            for (var i = 0; i < 200 && !ping.IsCompleted; i++)
            {
                app.Time.Advance(TimeSpan.FromSeconds(30));
                await Task.WhenAny(ping, Task.Delay(50));
            }
            Assert.StartsWith("WATCHDOG=1\nSTATUS=serving on", await ping, StringComparison.Ordinal);
        }
        finally
        {
            await app.DisposeAsync();
        }
        string last;
        do
        {
            last = await ReceiveAsync(systemd);
        }
        while (last.StartsWith("WATCHDOG=1", StringComparison.Ordinal));
        Assert.StartsWith("STOPPING=1", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Abstract_socket_addresses_are_reached()
    {
        var name = $"@openmotoko-test-{Guid.NewGuid():N}";
        using var systemd = Listen(name);
        using var notify = SystemdNotify.FromEnvironment(new EnvironmentSnapshot(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = name }))!;

        Assert.True(notify.Send("READY=1"));

        Assert.Equal("READY=1", await ReceiveAsync(systemd));
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("30000000", null, 15.0)]
    [InlineData("30000000", "1", null)] // another process's watchdog
    [InlineData("abc", null, null)]
    public void Watchdog_interval_is_half_of_WATCHDOG_USEC_for_this_process(string? usec, string? pid, double? seconds)
    {
        var variables = new Dictionary<string, string>();
        if (usec is not null)
        {
            variables["WATCHDOG_USEC"] = usec;
        }
        if (pid is not null)
        {
            variables["WATCHDOG_PID"] = pid;
        }

        Assert.Equal(seconds is null ? null : TimeSpan.FromSeconds(seconds.Value), SystemdNotify.WatchdogInterval(new EnvironmentSnapshot(variables)));
    }

    [Fact]
    public void Without_NOTIFY_SOCKET_nothing_is_sent()
    {
        Assert.Null(SystemdNotify.FromEnvironment(EnvironmentSnapshot.Empty));
        Assert.Null(SystemdNotify.FromEnvironment(new EnvironmentSnapshot(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = "relative" })));
    }
}
