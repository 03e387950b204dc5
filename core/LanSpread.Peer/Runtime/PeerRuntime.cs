using System.Net.Sockets;
using LanSpread.Core.Discovery;
using LanSpread.Core.Events;
using LanSpread.Core.Installing;
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
/// Boots a peer in steps: compose (identity, library, shared context), prepare the library (start-up
/// recovery of every game root, the first scan), listen, start discovery, then run the four
/// long-running components (server, ping service, local game monitor, command loop) in the background.
/// Each step records what it started in <see cref="RuntimeComponents"/>; when a step fails (or the
/// start is cancelled) everything started so far is stopped before the error propagates. Hosts drive
/// the runtime only through the returned <see cref="PeerRuntimeHandle"/>.
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
        var components = new RuntimeComponents(logger);
        try
        {
            var context = Compose(directory, events, peerGameDb, unpacker, catalog, plugins, options, loggerFactory, components);
            await PrepareLibraryAsync(context, logger, cancellationToken);
            components.Listener = await ListenAsync(plugins.Transport, options, context.Credentials, logger, cancellationToken);
            logger.LogInformation("Peer {Name} ({Id}) serving {Directory} on {EndPoint} over {Transport}", options.Name, context.Credentials.PeerId.Abbreviated, directory, components.Listener.LocalEndPoint, plugins.Transport.Name);
            var services = CreateServices(context, components);
            await StartDiscoveryAsync(context, plugins, components, logger, cancellationToken);
            Run(context, services, components, logger);

            context.PublishSnapshot();
            return new PeerRuntimeHandle(context.Credentials.PeerId, options.Name, components.Listener.LocalEndPoint, events, peerGameDb, context.Library, catalog, components.Commands, async () =>
            {
                await components.StopAsync();
                events.Complete();
            });
        }
        catch (Exception ex)
        {
            logger.LogDebug("Start-up failed ({Error}); stopping what started", ex.Message);
            try
            {
                await components.StopAsync();
            }
            catch (Exception stopError)
            {
                // The start-up error is the one the host must see; this one is only logged.
                logger.LogWarning("Stopping a failed start-up: {Error}", stopError.Message);
            }

            throw;
        }
    }

    /// <summary>Step 1: identity, trust, the library and the context the services share. Opens nothing.</summary>
    private static RuntimeContext Compose(string directory, EventBus events, PeerGameDB peerGameDb, IUnpacker unpacker, GameCatalog catalog, PeerPlugins plugins, PeerRuntimeOptions options, ILoggerFactory loggerFactory, RuntimeComponents components)
    {
        var credentials = PeerIdentity.LoadOrCreate(options.DataDirectory);
        var trusted = TrustedPeers.Load(options.DataDirectory, options.TrustedPeers);
        var knownPeers = KnownPeers.Load(options.DataDirectory, loggerFactory.CreateLogger<KnownPeers>());
        components.Index = new LibraryIndex(Path.Combine(options.DataDirectory, "library-index.json"), loggerFactory.CreateLogger<LibraryIndex>());
        var scanner = new LibraryScanner(catalog, components.Index, loggerFactory.CreateLogger<LibraryScanner>(), ContentChunking.FromAverage(options.ChunkSize), options.HashParallelism,
            (game, done, total) => events.Publish(new ManifestProgress(game, done, total)))
        { TestHashBytesPerSecond = options.TestHashBytesPerSecond, TestHashGate = options.TestHashGate };
        var library = new LocalLibrary(directory, scanner, loggerFactory.CreateLogger<LocalLibrary>(), backgroundHashing: true);
        library.HashingDrained += (games, bytes, time) => events.Publish(new LibraryReady(games, bytes, time.TotalSeconds));
        var context = new RuntimeContext
        {
            Options = options,
            Credentials = credentials,
            Transport = plugins.Transport,
            Planner = plugins.Planner,
            Installer = new InstallTransaction(unpacker, loggerFactory.CreateLogger<InstallTransaction>()),
            Catalog = catalog,
            Library = library,
            PeerGameDb = peerGameDb,
            Events = events,
            Operations = new OperationTracker(),
            LoggerFactory = loggerFactory,
            Stopping = components.Stopping.Token,
            KnownPeers = knownPeers,
            TrustedPeers = trusted,
            Uploads = components.Uploads = new Server.UploadLimiter(options.MaxUploadRate, options.MaxUploadsPerPeer),
        };
        context.Connector = components.Connector = new PeerConnector(context);
        library.GameHashed += _ => context.PublishLocalChange();
        return context;
    }

    /// <summary>
    /// Step 2: finish or undo what an earlier run left half done, then the first scan: names, versions
    /// and sizes only (the index answers known games); new or changed content is hashed in the background
    /// once the peer runs (step 6), so a large new library does not hold up listening.
    /// </summary>
    private static async Task PrepareLibraryAsync(RuntimeContext context, ILogger logger, CancellationToken cancellationToken)
    {
        await RecoverRootsAsync(context.Library.GameDirectory, context.Installer, logger, cancellationToken);
        context.Library.RescanAll();
    }

    /// <summary>Step 4: the services over the context (nothing runs yet; the monitor is recorded for teardown).</summary>
    private static RuntimeServices CreateServices(RuntimeContext context, RuntimeComponents components)
    {
        var monitor = components.Monitor = new LocalGameMonitor(context);
        var downloads = new DownloadPipeline(context);
        var installs = new InstallCoordinator(context);
        return new RuntimeServices(new PeerServer(context), new PingService(context), monitor, new CommandDispatcher(context, downloads, installs, monitor));
    }

    /// <summary>
    /// Step 5: advertise and discover. A discovery that fails to start is reported and skipped (the
    /// peer still works with the others); a cancelled start-up stops the sessions already started.
    /// </summary>
    private static async Task StartDiscoveryAsync(RuntimeContext context, PeerPlugins plugins, RuntimeComponents components, ILogger logger, CancellationToken cancellationToken)
    {
        var advertisement = new DiscoveryAdvertisement(context.Credentials.PeerId, context.Options.Name, components.Listener!.LocalEndPoint.Port, ProtocolConstants.Version, [plugins.Transport.Name]);
        foreach (var discovery in plugins.Discoveries)
        {
            try
            {
                components.Sessions.Add(await discovery.StartAsync(advertisement, context.Connector, cancellationToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Discovery {Name} failed to start: {Error}", discovery.Name, ex.Message);
                context.Events.Publish(new RuntimeFailed($"discovery:{discovery.Name}", ex.Message));
            }
        }
    }

    /// <summary>Step 6: the long-running components, each supervised: a crash is reported, not thrown.</summary>
    private static void Run(RuntimeContext context, RuntimeServices services, RuntimeComponents components, ILogger logger)
    {
        var stopping = components.Stopping.Token;
        var listener = components.Listener!;
        components.Tasks =
        [
            Supervise("server", () => services.Server.RunAsync(listener, stopping)),
            Supervise("ping", () => services.Ping.RunAsync(stopping)),
            Supervise("monitor", () => services.Monitor.RunAsync(stopping)),
            Supervise("commands", () => services.Dispatcher.RunAsync(components.Commands.Reader, stopping)),
            Supervise("hashing", () => context.Library.RunHashingAsync(stopping)),
        ];

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
                context.Events.Publish(new RuntimeFailed(component, ex.Message));
            }
        }
    }

    /// <summary>Step 3: binds the server; a taken port falls back to a free one when <see cref="PeerRuntimeOptions.ListenPortFallback"/> allows it.</summary>
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
    private static async Task RecoverRootsAsync(string directory, IInstallTransaction installer, ILogger logger, CancellationToken cancellationToken)
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
