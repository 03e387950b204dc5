using System.Globalization;
using System.Net;
using LanSpread.Core.Composition;
using LanSpread.Core.Transport;
using LanSpread.Peer.Composition;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Identity;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Plugins.Tests.Transports;

/// <summary>
/// The TLS pool keeps what the work needs: a burst of concurrent requests opens several connections,
/// and once idle the spares are closed (counted as ESTABLISHED sockets in /proc/net/tcp), the most
/// recent one kept; a connection the peer closed is seen without sending anything.
/// </summary>
public sealed class TlsPoolPruningTests : IDisposable
{
    private readonly PluginCatalog _catalog = PeerHost.LoadPlugins([], NullLoggerFactory.Instance, new Dictionary<string, string> { ["tls.spareConnectionIdleTimeout"] = "00:00:00.300" });
    private readonly TempDir _temp = new();

    private ITransport Transport => (ITransport)_catalog.Parts.Single(p => p.Kind == PluginKind.Transport && p.Name == "tls").Instance!;

    public void Dispose()
    {
        _catalog.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task Spare_connections_of_a_burst_are_closed_once_idle_and_the_last_one_is_kept()
    {
        var server = PeerIdentity.LoadOrCreate(_temp.Sub("server"));
        await using var listener = await Transport.ListenAsync(new IPEndPoint(IPAddress.Loopback, 0), server, default);
        var serving = ServeAsync(listener);
        await using var connection = await Transport.ConnectAsync(new IPEndPoint(IPAddress.Loopback, listener.LocalEndPoint.Port), server.PeerId, PeerIdentity.LoadOrCreate(_temp.Sub("client")), default);

        // Eight requests held open at once need eight connections.
        var streams = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => connection.OpenStreamAsync(default).AsTask()));
        await Task.WhenAll(streams.Select(ExchangeAsync));
        Assert.Equal(8, await WaitForConnectionsAsync(listener.LocalEndPoint.Port, n => n == 8));
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }

        // Idle past the spare timeout: the next use (or liveness check) closes the spares.
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        var state = Assert.IsAssignableFrom<ITransportConnectionState>(connection);
        Assert.False(state.CheckRemoteClosed());
        Assert.Equal(1, await WaitForConnectionsAsync(listener.LocalEndPoint.Port, n => n == 1));
        Assert.NotNull(state.SinceLastExchange);

        // The server goes away: the kept connection is seen closed without a request.
        await listener.DisposeAsync();
        await serving;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var closed = false;
        while (!closed && DateTime.UtcNow < deadline)
        {
            closed = state.CheckRemoteClosed();
            await Task.Delay(20);
        }

        Assert.True(closed, "a connection closed by the peer was not noticed");
    }

    private static async Task ExchangeAsync(IPeerStream stream)
    {
        await stream.Stream.WriteAsync(new byte[] { 42 });
        await stream.Stream.FlushAsync();
        Assert.Equal(42, stream.Stream.ReadByte());
        stream.MarkCompleted();
    }

    private static async Task ServeAsync(ITransportListener listener)
    {
        var handlers = new List<Task>();
        while (await listener.AcceptStreamAsync(default) is { } accepted)
        {
            var stream = accepted;
            handlers.Add(Task.Run(async () =>
            {
                await using (stream)
                {
                    var b = new byte[1];
                    await stream.Stream.ReadExactlyAsync(b);
                    await stream.Stream.WriteAsync(b);
                    await stream.Stream.FlushAsync();
                    stream.MarkCompleted();
                }
            }));
        }

        await Task.WhenAll(handlers);
    }

    /// <summary>Established TCP connections whose local port is the listener's (the server ends), polled until they match.</summary>
    private static async Task<int> WaitForConnectionsAsync(int port, Func<int, bool> expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        int count;
        do
        {
            count = File.ReadLines("/proc/net/tcp").Concat(File.ReadLines("/proc/net/tcp6")).Skip(1)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Count(f => f.Length > 3 && f[3] == "01" && int.Parse(f[1][(f[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port);
            if (expected(count))
            {
                return count;
            }

            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);
        return count;
    }
}
