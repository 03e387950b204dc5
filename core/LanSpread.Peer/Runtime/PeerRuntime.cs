using System.Net.Sockets;
using System.Threading.Channels;
using LanSpread.Core.Commands;
using LanSpread.Core.Discovery;
using LanSpread.Core.Events;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Download;
using LanSpread.Peer.FileSystem;
using LanSpread.Peer.Identity;
using LanSpread.Peer.Installing;
using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;
using LanSpread.Peer.Protocol;
using LanSpread.Peer.Server;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Runtime;

/// <summary>
/// Boots a peer: identity, start-up recovery of every game root, the first scan, then the four
/// long-running components (server, discovery loop, ping service, local game monitor) and the command
/// loop, all in the background. Hosts drive it only through the returned <see cref="PeerRuntimeHandle"/>.
/// </summary>
public static class PeerRuntime
{
    public static async Task<PeerRuntimeHandle> StartAsync(
        string gameDirectory,
        EventBus events,
        PeerGameDB peerGameDb,
        IUnpacker unpacker,
        GameCatalog catalog,
        PeerPlugins plugins,
        PeerRuntimeOptions options,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gameDirectory);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(peerGameDb);
        ArgumentNullException.ThrowIfNull(unpacker);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);

        var directory = LocalLibrary.ValidateGameDirectory(gameDirectory, requireWritable: false);
        var logger = loggerFactory.CreateLogger("LanSpread.Peer.Runtime");
        var credentials = PeerIdentity.LoadOrCreate(options.DataDirectory);
        var trusted = TrustedPeers.Load(options.DataDirectory, options.TrustedPeers);
        var knownPeers = KnownPeers.Load(options.DataDirectory, loggerFactory.CreateLogger<KnownPeers>());
        var index = new LibraryIndex(Path.Combine(options.DataDirectory, "library-index.json"), loggerFactory.CreateLogger<LibraryIndex>());
        var scanner = new LibraryScanner(catalog, index, loggerFactory.CreateLogger<LibraryScanner>(), ContentChunking.FromAverage(options.ChunkSize), options.HashParallelism,
            (game, done, total) => events.Publish(new ManifestProgress(game, done, total)));
        var library = new LocalLibrary(directory, scanner, loggerFactory.CreateLogger<LocalLibrary>());
        var installer = new InstallTransaction(unpacker, loggerFactory.CreateLogger<InstallTransaction>());
        var stopping = new CancellationTokenSource();
        var context = new RuntimeContext
        {
            Options = options,
            Credentials = credentials,
            Transport = plugins.Transport,
            Planner = plugins.Planner,
            Installer = installer,
            Catalog = catalog,
            Library = library,
            PeerGameDb = peerGameDb,
            Events = events,
            Operations = new OperationTracker(),
            LoggerFactory = loggerFactory,
            Stopping = stopping.Token,
            KnownPeers = knownPeers,
            TrustedPeers = trusted,
            Uploads = new UploadLimiter(options.MaxUploadRate, options.MaxUploadsPerPeer),
        };
        context.Connector = new PeerConnector(context);

        await RecoverRootsAsync(directory, installer, logger, cancellationToken);
        library.RescanAll();

        var listener = await ListenAsync(plugins.Transport, options, credentials, logger, cancellationToken);

        logger.LogInformation("Peer {Name} ({Id}) serving {Directory} on {EndPoint} over {Transport}", options.Name, credentials.PeerId.Abbreviated, directory, listener.LocalEndPoint, plugins.Transport.Name);

        var monitor = new LocalGameMonitor(context);
        var downloads = new DownloadPipeline(context);
        var installs = new InstallCoordinator(context);
        var dispatcher = new CommandDispatcher(context, downloads, installs, monitor);
        var commands = Channel.CreateUnbounded<PeerCommand>(new UnboundedChannelOptions { SingleReader = true });
        var server = new PeerServer(context);
        var ping = new PingService(context);

        var advertisement = new DiscoveryAdvertisement(credentials.PeerId, options.Name, listener.LocalEndPoint.Port, ProtocolConstants.Version, [plugins.Transport.Name]);
        var sessions = new List<IDiscoverySession>();
        foreach (var discovery in plugins.Discoveries)
        {
            try
            {
                sessions.Add(await discovery.StartAsync(advertisement, context.Connector, cancellationToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Discovery {Name} failed to start: {Error}", discovery.Name, ex.Message);
                events.Publish(new RuntimeFailed($"discovery:{discovery.Name}", ex.Message));
            }
        }

        var tasks = new[]
        {
            Supervise("server", () => server.RunAsync(listener, stopping.Token)),
            Supervise("ping", () => ping.RunAsync(stopping.Token)),
            Supervise("monitor", () => monitor.RunAsync(stopping.Token)),
            Supervise("commands", () => dispatcher.RunAsync(commands.Reader, stopping.Token)),
        };

        async Task Supervise(string component, Func<Task> run)
        {
            try
            {
                await Task.Run(run, CancellationToken.None);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Component {Component} failed", component);
                events.Publish(new RuntimeFailed(component, ex.Message));
            }
        }

        async Task StopAsync()
        {
            commands.Writer.TryComplete();
            foreach (var session in sessions)
            {
                try
                {
                    await session.DisposeAsync(); // goodbye
                }
                catch (Exception ex)
                {
                    logger.LogDebug("Discovery stop: {Error}", ex.Message);
                }
            }

            await stopping.CancelAsync();
            await listener.DisposeAsync();
            await Task.WhenAll(tasks);
            context.Uploads.Dispose();
            monitor.Dispose();
            await context.Connector.DisposeAsync();
            index.Save();
            events.Complete();
            stopping.Dispose();
        }

        context.PublishSnapshot();
        return new PeerRuntimeHandle(credentials.PeerId, options.Name, listener.LocalEndPoint, events, peerGameDb, library, catalog, commands, StopAsync);
    }

    /// <summary>Binds the server; a taken port falls back to a free one when <see cref="PeerRuntimeOptions.ListenPortFallback"/> allows it.</summary>
    private static async Task<Core.Transport.ITransportListener> ListenAsync(Core.Transport.ITransport transport, PeerRuntimeOptions options, Core.Transport.TransportCredentials credentials, ILogger logger, CancellationToken cancellationToken)
    {
        var endPoint = options.ListenEndPoint;
        try
        {
            return await transport.ListenAsync(endPoint, credentials, cancellationToken);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && options.ListenPortFallback && endPoint.Port != 0)
        {
            var listener = await transport.ListenAsync(new System.Net.IPEndPoint(endPoint.Address, 0), credentials, cancellationToken);
            logger.LogWarning("Port {Port} is in use (another peer on this machine?): listening on port {Actual} instead; mDNS advertises it, --peer needs HOST:{Actual}", endPoint.Port, listener.LocalEndPoint.Port, listener.LocalEndPoint.Port);
            return listener;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new InvalidOperationException($"port {endPoint.Port} is in use (another LanSpread peer?); pick another with --listen ADDR:PORT", ex);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            throw new InvalidOperationException($"cannot listen on {endPoint}: that address is not on this machine; give one of its addresses (or 0.0.0.0 / [::]) with --listen ADDR:PORT", ex);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AccessDenied)
        {
            throw new InvalidOperationException($"cannot listen on {endPoint}: permission denied (ports below 1024 need privileges); pick another with --listen ADDR:PORT", ex);
        }
    }

    /// <summary>Start-up recovery: finish or undo interrupted installs, sweep an interrupted download's sentinel files.</summary>
    private static async Task RecoverRootsAsync(string directory, InstallTransaction installer, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var root in Directory.EnumerateDirectories(directory))
        {
            var interruptedDownload = File.Exists(Path.Combine(root, GameRootLayout.VersionDiscarded)) || File.Exists(Path.Combine(root, GameRootLayout.VersionTemp));
            if (interruptedDownload)
            {
                // The files on disk are no longer the old version: do not restore its sentinel.
                new VersionSentinel(root).Sweep();
                logger.LogWarning("{Root}: an interrupted download was swept; the game is not downloaded", root);
            }

            if (File.Exists(Path.Combine(root, GameRootLayout.IntentLog))
                || Directory.Exists(Path.Combine(root, GameRootLayout.InstallingDirectory))
                || Directory.Exists(Path.Combine(root, GameRootLayout.BackupDirectory)))
            {
                var outcome = await installer.RecoverAsync(root, cancellationToken);
                logger.LogWarning("{Root}: recovery {Action}: {Details}", root, outcome.Action, outcome.Details);
            }
        }
    }
}
