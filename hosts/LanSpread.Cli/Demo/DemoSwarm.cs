using System.Net;
using System.Net.Sockets;
using LanSpread.Core.Events;
using LanSpread.Peer.Hosting;
using Microsoft.Extensions.Logging;

namespace LanSpread.Cli.Demo;

/// <summary>
/// The demo's peers, all in this process on 127.0.0.1 without mDNS: one seeder with an upload cap and
/// the clients, each client knowing the seeder and every other client (<c>--peer</c>), so they trade
/// the chunks they have verified while they download.
/// </summary>
internal sealed class DemoSwarm : IAsyncDisposable
{
    private readonly Task _seederEvents;
    private readonly CancellationTokenSource _stop;

    private DemoSwarm(PeerHost seeder, IReadOnlyList<DemoClient> clients, Task seederEvents, CancellationTokenSource stop)
    {
        Seeder = seeder;
        Clients = clients;
        _seederEvents = seederEvents;
        _stop = stop;
    }

    public PeerHost Seeder { get; }

    public IReadOnlyList<DemoClient> Clients { get; }

    /// <summary>Starts the seeder on <paramref name="seederGames"/>, then the clients; a failed start stops what started.</summary>
    public static async Task<DemoSwarm> StartAsync(DemoSettings settings, string seederGames, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var seeder = await PeerHost.StartAsync(new PeerHostSettings
        {
            GameDirectory = seederGames,
            DataDirectory = Path.Combine(settings.Root, "seeder", "data"),
            Name = "demo-seeder",
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            NoMdns = true,
            ChunkSize = settings.ChunkSize,
            MaxUploadRate = settings.SeederRate,
            PluginSettings = Loopback(settings),
        }, loggerFactory, cancellationToken);
        var clients = new List<DemoClient>();
        var stop = new CancellationTokenSource();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seederEvents = DrainAsync(seeder, ready, stop.Token);
        try
        {
            // The clients list the seeder's game when they join it: wait until it is hashed, or they would
            // see it only when they re-list at their next ping. Without it the clients still get there.
            await Task.WhenAny(ready.Task, Task.Delay(TimeSpan.FromSeconds(30), cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            // Every client names every other one, so the ports are chosen before any of them listens.
            var ports = LoopbackPorts(settings.Clients);
            for (var i = 0; i < settings.Clients; i++)
            {
                var games = Path.Combine(settings.Root, $"client-{i + 1}", "games");
                Directory.CreateDirectory(games);
                var others = ports.Where((_, j) => j != i).Select(p => new IPEndPoint(IPAddress.Loopback, p));
                var host = await PeerHost.StartAsync(new PeerHostSettings
                {
                    GameDirectory = games,
                    DataDirectory = Path.Combine(settings.Root, $"client-{i + 1}", "data"),
                    Name = $"demo-client-{i + 1}",
                    Listen = new IPEndPoint(IPAddress.Loopback, ports[i]),
                    NoMdns = true,
                    StaticPeers = [seeder.Runtime.LocalEndPoint, .. others],
                    ChunkSize = settings.ChunkSize,
                    // Install after the download, not behind it: the streaming install's planner window asks for
                    // the chunks at the unpacker's read position first, the same chunks on every client that
                    // started together, and early on only the seeder has them. Measured on 2 cores, 48 MiB,
                    // 3 clients: 7.2 s with 75% of the bytes from the seeder; 4.3 s with 40% without streaming.
                    PluginSettings = new Dictionary<string, string>(Loopback(settings)) { ["rar.streaming"] = "false" },
                    // A port taken since it was chosen: listen elsewhere (with a warning). This client still
                    // fetches from the others; they just cannot fetch from it.
                    Configure = options => options.ListenPortFallback = true,
                }, loggerFactory, cancellationToken);
                clients.Add(new DemoClient(i + 1, host, games));
            }
        }
        catch
        {
            await StopAsync(seeder, clients, seederEvents, stop);
            throw;
        }

        return new DemoSwarm(seeder, clients, seederEvents, stop);
    }

    /// <summary>
    /// Waits until every client lists the seeder's game (required: up to <paramref name="timeout"/>), then
    /// briefly until every client is connected to all the others, so they all start together and trade
    /// from the first chunk. Returns false when the seeder's game never showed up.
    /// </summary>
    public async Task<bool> WaitUntilReadyAsync(string game, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Clients.All(c => c.Host.Runtime.PeerGameDb.PeersWithLatest(game).Any(p => p.PeerId == Seeder.Runtime.PeerId)))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50, cancellationToken);
        }

        // Static peers are dialled again every ping interval (2 s), so the mesh closes within that.
        var meshDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (Clients.Any(c => c.Host.Runtime.PeerGameDb.Count < Clients.Count) && DateTime.UtcNow < meshDeadline)
        {
            await Task.Delay(50, cancellationToken);
        }

        return true;
    }

    public async ValueTask DisposeAsync() => await StopAsync(Seeder, Clients, _seederEvents, _stop);

    private static async Task StopAsync(PeerHost seeder, IEnumerable<DemoClient> clients, Task seederEvents, CancellationTokenSource stop)
    {
        await Task.WhenAll(clients.Select(c => c.Host.DisposeAsync().AsTask()));
        await seeder.DisposeAsync();
        await stop.CancelAsync();
        await seederEvents;
        stop.Dispose();
    }

    /// <summary>Reads the seeder's events (nobody shows them) and says when its library is hashed.</summary>
    private static async Task DrainAsync(PeerHost seeder, TaskCompletionSource ready, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var peerEvent in seeder.Runtime.Events.ReadAllAsync(cancellationToken))
            {
                if (peerEvent is LibraryReady)
                {
                    ready.TrySetResult();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Every demo peer connects from 127.0.0.1, where on a LAN each would be its own machine: the per-address
    /// bounds (32 connections, a client's pool of 8 to 4 peers) would close the connections of a fourth client
    /// to a peer. Room for every peer's pool to every other, twice over.
    /// </summary>
    private static Dictionary<string, string> Loopback(DemoSettings settings)
    {
        var perAddress = (16 * (settings.Clients + 1)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Dictionary<string, string> { ["tls.maxConnectionsPerAddress"] = perAddress, ["tls.maxHandshakesPerAddress"] = perAddress };
    }

    /// <summary>Free loopback ports, all held at once while chosen so they differ.</summary>
    private static int[] LoopbackPorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
