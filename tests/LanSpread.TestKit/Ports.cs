using System.Net;
using System.Net.Sockets;

namespace LanSpread.TestKit;

public static class Ports
{
    /// <summary>A currently free loopback TCP port.</summary>
    public static int Free()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
