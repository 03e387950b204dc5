using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace LanSpread.Discovery.Mdns.Internal;

/// <summary>
/// The mDNS sockets (RFC 6762 §5): UDP 5353 on IPv4 (224.0.0.251) and IPv6 (ff02::fb), shared with
/// other responders on the host (SO_REUSEADDR/SO_REUSEPORT, as avahi does), joined on every
/// multicast-capable interface, multicast loopback on so peers on one host see each other.
/// </summary>
internal sealed class MulticastEndpoint : IDisposable
{
    public const int Port = 5353;
    public static readonly IPAddress GroupV4 = IPAddress.Parse("224.0.0.251");
    public static readonly IPAddress GroupV6 = IPAddress.Parse("ff02::fb");

    private readonly List<(NetworkInterface Interface, IPAddress? V4, int V6Index)> _interfaces = [];

    public MulticastEndpoint()
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || !nic.SupportsMulticast)
            {
                continue;
            }

            var properties = nic.GetIPProperties();
            var v4 = properties.UnicastAddresses.Select(a => a.Address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
            var v6 = nic.Supports(NetworkInterfaceComponent.IPv6) ? properties.GetIPv6Properties().Index : -1;
            _interfaces.Add((nic, v4, v6));
        }

        V4 = Open(AddressFamily.InterNetwork);
        V6 = Socket.OSSupportsIPv6 ? TryOpen(AddressFamily.InterNetworkV6) : null;
    }

    public Socket V4 { get; }

    public Socket? V6 { get; }

    /// <summary>Addresses of this host on the joined interfaces (for A/AAAA records).</summary>
    public IReadOnlyList<IPAddress> LocalAddresses => _interfaces
        .SelectMany(i => i.Interface.GetIPProperties().UnicastAddresses.Select(a => a.Address))
        .Where(a => a.AddressFamily == AddressFamily.InterNetwork || (a.AddressFamily == AddressFamily.InterNetworkV6 && V6 is not null))
        .Distinct()
        .ToList();

    /// <summary>Sends one packet to the group on every interface (IPv4 and IPv6).</summary>
    public void Send(byte[] packet)
    {
        foreach (var (_, v4, v6Index) in _interfaces)
        {
            if (v4 is not null)
            {
                TrySend(V4, packet, GroupV4, () => V4.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, v4.GetAddressBytes()));
            }

            if (V6 is not null && v6Index > 0)
            {
                TrySend(V6, packet, GroupV6, () => V6.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, v6Index));
            }
        }
    }

    public void Dispose()
    {
        V4.Dispose();
        V6?.Dispose();
    }

    private static void TrySend(Socket socket, byte[] packet, IPAddress group, Action selectInterface)
    {
        try
        {
            selectInterface();
            socket.SendTo(packet, new IPEndPoint(group, Port));
        }
        catch (SocketException)
        {
            // An interface that went away or cannot send multicast: the others still get the packet.
        }
    }

    private Socket? TryOpen(AddressFamily family)
    {
        try
        {
            return Open(family);
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private Socket Open(AddressFamily family)
    {
        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption(1 /* SOL_SOCKET */, 15 /* SO_REUSEPORT */, BitConverter.GetBytes(1));
            }

            if (family == AddressFamily.InterNetwork)
            {
                socket.Bind(new IPEndPoint(IPAddress.Any, Port));
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255);
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
                foreach (var (_, v4, _) in _interfaces.Where(i => i.V4 is not null))
                {
                    TryJoin(() => socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(GroupV4, v4!)));
                }
            }
            else
            {
                socket.DualMode = false;
                socket.Bind(new IPEndPoint(IPAddress.IPv6Any, Port));
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 255);
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastLoopback, true);
                foreach (var (_, _, index) in _interfaces.Where(i => i.V6Index > 0))
                {
                    TryJoin(() => socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(GroupV6, index)));
                }
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void TryJoin(Action join)
    {
        try
        {
            join();
        }
        catch (SocketException)
        {
            // Already joined through another address of the same interface, or not multicast-capable.
        }
    }
}
