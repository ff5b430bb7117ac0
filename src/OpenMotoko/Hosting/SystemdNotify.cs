using System.Net.Sockets;
using System.Text;

namespace OpenMotoko.Hosting;

/// <summary>
/// sd_notify without libsystemd: one datagram per message to the unix socket systemd names in
/// NOTIFY_SOCKET (a path, or an abstract socket written with a leading '@').
/// </summary>
internal sealed class SystemdNotify : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly UnixDomainSocketEndPoint _target;

    private SystemdNotify(string address)
    {
        _target = new UnixDomainSocketEndPoint(address.StartsWith('@') ? "\0" + address[1..] : address);
        Address = address;
    }

    public string Address { get; }

    /// <summary>The notifier systemd asked for, or null when the daemon was not started by systemd with Type=notify.</summary>
    public static SystemdNotify? FromEnvironment(EnvironmentSnapshot environment) =>
        environment.Get("NOTIFY_SOCKET") is { } address && (address.StartsWith('/') || address.StartsWith('@')) && !OperatingSystem.IsWindows()
            ? new SystemdNotify(address)
            : null;

    /// <summary>
    /// How often to ping the watchdog: half of WATCHDOG_USEC (as sd_watchdog_enabled advises), unless
    /// WATCHDOG_PID names another process; null when systemd runs no watchdog for us.
    /// </summary>
    public static TimeSpan? WatchdogInterval(EnvironmentSnapshot environment)
    {
        if (environment.Get("WATCHDOG_PID") is { } pid && pid != Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return null;
        }
        return long.TryParse(environment.Get("WATCHDOG_USEC"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec / 2.0)
            : null;
    }

    /// <summary>Sends "KEY=value" lines; false when systemd is not listening (the daemon runs on regardless).</summary>
    public bool Send(string state)
    {
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(state), SocketFlags.None, _target);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();
}
