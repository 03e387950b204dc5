using System.Net;
using System.Net.Sockets;
using LanSpread.Core.Composition;
using LanSpread.Core.Discovery;
using LanSpread.Core.Events;
using LanSpread.Core.Planning;
using LanSpread.Core.Transport;
using LanSpread.Peer.Composition;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Installing;
using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;
using LanSpread.Peer.Runtime;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Peer.Tests.Runtime;

/// <summary>
/// PeerRuntime.StartAsync runs in steps; a start-up that fails after the server listens must stop what
/// started (the listener, discovery sessions, watchers) before the error reaches the host. Real TLS
/// listener from the plugin, real sockets.
/// </summary>
public sealed class StartupCleanupTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly PluginCatalog _plugins = PeerHost.LoadPlugins([], NullLoggerFactory.Instance);

    [Fact]
    public async Task A_start_up_cancelled_after_the_server_listens_closes_the_listener_and_says_goodbye()
    {
        var port = Ports.Free();
        var started = new RecordingDiscovery();
        var stalling = new StallingDiscovery();
        var events = new EventBus(NullLogger<EventBus>.Instance);
        var published = new List<PeerEvent>();
        events.Published += e =>
        {
            lock (published)
            {
                published.Add(e);
            }
        };
        using var cancel = new CancellationTokenSource();

        var start = StartAsync(port, events, [started, stalling], cancel.Token);
        await stalling.Entered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(await AcceptsAsync(port), "the server step ran: the port listens");

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        Assert.False(await AcceptsAsync(port), "nothing may listen after a failed start-up");
        Assert.True(started.Stopped, "the discovery session that started was stopped (goodbye)");
        lock (published)
        {
            Assert.DoesNotContain(published, e => e is LibrarySnapshot); // the runtime never came up
        }

        // The same port and data directory start a runtime again: nothing of the failed one holds them.
        await using var again = await StartAsync(port, new EventBus(NullLogger<EventBus>.Instance), [], CancellationToken.None);
        Assert.Equal(port, again.LocalEndPoint.Port);
        Assert.True(await AcceptsAsync(port));
    }

    [Fact]
    public async Task A_taken_port_fails_the_start_up_and_leaves_the_port_to_its_owner()
    {
        using var owner = new TcpListener(IPAddress.Loopback, Ports.Free());
        owner.Start();
        var port = ((IPEndPoint)owner.LocalEndpoint).Port;
        var started = new RecordingDiscovery();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(port, new EventBus(NullLogger<EventBus>.Instance), [started], CancellationToken.None));

        Assert.Contains($"port {port} is in use", error.Message, StringComparison.Ordinal);
        Assert.False(started.Stopped); // discovery is a later step: it never started
        await using var again = await StartAsync(0, new EventBus(NullLogger<EventBus>.Instance), [], CancellationToken.None);
        Assert.NotEqual(port, again.LocalEndPoint.Port);
    }

    public void Dispose()
    {
        _plugins.Dispose();
        _temp.Dispose();
    }

    private Task<PeerRuntimeHandle> StartAsync(int port, EventBus events, IReadOnlyList<IDiscovery> discoveries, CancellationToken cancellationToken)
    {
        var options = new PeerRuntimeOptions
        {
            Name = "startup",
            DataDirectory = _temp.Sub("data"),
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, port),
        };
        var plugins = new PeerPlugins(_plugins.Select<ITransport>(PluginKind.Transport, "tls"), discoveries, _plugins.Select<IChunkPlanner>(PluginKind.Planner, null));
        return PeerRuntime.StartAsync(_temp.Sub("games"), events, new PeerGameDB(), UnpackerSet.From(_plugins), GameCatalog.LoadBundled(), plugins, options, NullLoggerFactory.Instance, cancellationToken);
    }

    /// <summary>Whether something accepts a TCP connection on the loopback port now.</summary>
    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(10));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
