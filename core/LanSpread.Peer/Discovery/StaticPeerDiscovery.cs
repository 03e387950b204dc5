using System.Net;
using LanSpread.Core.Discovery;

namespace LanSpread.Peer.Discovery;

/// <summary>
/// Peers given on the command line (<c>--peer HOST:PORT</c>): for networks that block multicast and for
/// loopback runs. Reports them through the same contract as mDNS, again every interval, so a peer that
/// was down or restarted is joined when it comes back.
/// </summary>
public sealed class StaticPeerDiscovery : IDiscovery
{
    private readonly IReadOnlyList<IPEndPoint> _peers;
    private readonly TimeSpan _interval;

    public StaticPeerDiscovery(IReadOnlyList<IPEndPoint> peers, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(peers);
        _peers = peers;
        _interval = interval;
    }

    public string Name => "static";

    /// <summary>Parses <c>HOST:PORT</c>, <c>[v6]:PORT</c> or <c>HOST</c> (default port); throws <see cref="FormatException"/> naming the fix.</summary>
    public static IPEndPoint Parse(string text, int defaultPort)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IPEndPoint.TryParse(text, out var endPoint) && (endPoint.Port != 0 || !text.Contains(':', StringComparison.Ordinal) || text.StartsWith('[')))
        {
            return endPoint.Port == 0 ? new IPEndPoint(endPoint.Address, defaultPort) : endPoint;
        }

        var colon = text.LastIndexOf(':');
        var host = colon > 0 ? text[..colon] : text;
        var port = defaultPort;
        if (colon > 0 && (!int.TryParse(text[(colon + 1)..], out port) || port is <= 0 or > 65535))
        {
            throw new FormatException($"bad peer address '{text}': the port must be a number from 1 to 65535 (HOST:PORT)");
        }

        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new FormatException($"bad peer address '{text}': host '{host}' does not resolve ({ex.Message})");
        }

        var address = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new FormatException($"bad peer address '{text}': host '{host}' has no address");
        return new IPEndPoint(address, port);
    }

    public ValueTask<IDiscoverySession> StartAsync(DiscoveryAdvertisement self, IDiscoveryObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return ValueTask.FromResult<IDiscoverySession>(new Session(_peers, _interval, observer));
    }

    private sealed class Session : IDiscoverySession
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Session(IReadOnlyList<IPEndPoint> peers, TimeSpan interval, IDiscoveryObserver observer)
        {
            _loop = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(interval);
                do
                {
                    foreach (var peer in peers)
                    {
                        observer.OnPeerFound(new DiscoveredPeer(null, peer.ToString(), [peer], 0, [], "static"));
                    }
                }
                while (await timer.WaitForNextTickAsync(_stop.Token));
            });
        }

        public ValueTask UpdateAsync(DiscoveryAdvertisement self, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }

            _stop.Dispose();
        }
    }
}
