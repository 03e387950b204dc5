using System.Net;
using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LanSpread.TestKit;

/// <summary>An in-process peer on loopback over the real plugins (TLS, RAR, round-robin), without mDNS.</summary>
public sealed class TestPeer : IAsyncDisposable
{
    private readonly CancellationTokenSource _drain = new();
    private readonly Task _drainTask;

    private TestPeer(PeerHost host, string games, string data)
    {
        Host = host;
        GamesDir = games;
        DataDir = data;
        Log = new EventLog(host.Runtime.Events);
        // Keep the bus drained like a host would; tests observe through the log.
        _drainTask = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in host.Runtime.Events.ReadAllAsync(_drain.Token))
                {
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public PeerHost Host { get; }

    public PeerRuntimeHandle Runtime => Host.Runtime;

    public EventLog Log { get; }

    public string GamesDir { get; }

    public string DataDir { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Runtime.LocalEndPoint.Port);

    public static async Task<TestPeer> StartAsync(TempDir temp, string name, IEnumerable<TestPeer>? peers = null, Action<PeerRuntimeOptions>? configure = null, string? games = null, ILoggerFactory? loggerFactory = null, bool installAfterDownload = true, IReadOnlyDictionary<string, string>? pluginSettings = null, IEnumerable<IPEndPoint>? extraPeers = null, int port = 0, string? data = null, bool waitForLibrary = true)
    {
        ArgumentNullException.ThrowIfNull(temp);
        games ??= temp.Sub($"{name}-games");
        data ??= temp.Sub($"{name}-data");
        var host = await PeerHost.StartAsync(new PeerHostSettings
        {
            GameDirectory = games,
            DataDirectory = data,
            Name = name,
            Listen = new IPEndPoint(IPAddress.Loopback, port),
            NoMdns = true,
            StaticPeers = [.. peers?.Select(p => p.EndPoint) ?? [], .. extraPeers ?? []],
            InstallAfterDownload = installAfterDownload,
            PluginSettings = pluginSettings ?? new Dictionary<string, string>(),
            Configure = options =>
            {
                options.PingInterval = TimeSpan.FromMilliseconds(500);
                options.ChunkSize = 256 * 1024;
                configure?.Invoke(options);
            },
        }, loggerFactory ?? NullLoggerFactory.Instance);
        if (waitForLibrary)
        {
            // The runtime listens before its library is hashed; most tests want a seeder that already
            // offers what it holds (and hashed it before they touch its files), as a long-running peer does.
            // Generous: start-up used to hash before listening with no limit, and a sparse 5 GiB file takes minutes under load.
            await Poll.UntilAsync(() => host.Runtime.Library.PendingHashes.Count == 0, TimeSpan.FromMinutes(10), $"{name}: library hashed");
        }

        return new TestPeer(host, games, data);
    }

    /// <summary>Waits until <paramref name="count"/> peers offering <paramref name="game"/> with the latest version are known.</summary>
    public async Task WaitForOffersAsync(string game, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (Runtime.PeerGameDb.PeersWithLatest(game).Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Runtime.Name}: {Runtime.PeerGameDb.PeersWithLatest(game).Count} of {count} peers offer {game}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Sends <see cref="DownloadGame"/>; returns the file list it settled on once the transfer began.</summary>
    public async Task<GotGameFiles> BeginDownloadAsync(string game, TimeSpan? timeout = null)
    {
        await Runtime.SendAsync(new DownloadGame(game));
        var files = await Log.WaitAsync<GotGameFiles>(e => e.Game == game, timeout);
        await Log.WaitAsync<DownloadGameFilesBegin>(e => e.Game == game, timeout);
        return files;
    }

    /// <summary>Runs a whole download (one <see cref="DownloadGame"/>, as every host does); returns the terminal download event.</summary>
    public async Task<PeerEvent> DownloadAsync(string game, TimeSpan? timeout = null, bool allowDowngrade = false)
    {
        await Runtime.SendAsync(new DownloadGame(game, allowDowngrade));
        return await Log.WaitAnyAsync(e => e is DownloadGameFilesFinished f && f.Game == game
            || e is DownloadGameFilesFailed g && g.Game == game
            || e is NoPeersHaveGame n && n.Game == game
            || e is GameUpToDate u && u.Game == game
            || e is DownloadGameFilesCancelled c && c.Game == game, timeout ?? TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await _drain.CancelAsync();
        await _drainTask;
        _drain.Dispose();
    }
}
