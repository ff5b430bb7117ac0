using System.Net;
using System.Net.Sockets;

namespace OpenMotoko.Hosting;

/// <summary>
/// Tries the address before the server starts, so a port that is taken ends `serve` with one line
/// saying what to do instead of the web server's stack trace.
/// </summary>
internal static class PortProbe
{
    public static void ThrowIfTaken(string host, int port)
    {
        if (port == 0)
        {
            return;
        }
        var address = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Parse(host);
        try
        {
            using var probe = new TcpListener(address, port);
            probe.Start();
            probe.Stop();
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new StartupException($"{host}:{port} is taken (address already in use). Is another openmotoko running on port {port}? " +
                "Stop it, or choose another port with --port (or OPENMOTOKO_PORT).");
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AccessDenied)
        {
            throw new StartupException($"{host}:{port} may not be used by this user ({ex.Message}). Ports below 1024 need privileges: choose another with --port.");
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            throw new StartupException($"{host} is not an address of this machine ({ex.Message}). Choose another with --host.");
        }
    }
}
