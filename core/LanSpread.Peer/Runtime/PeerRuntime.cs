using System.Net.Sockets;
using LanSpread.Core.Discovery;
using LanSpread.Core.Events;
using LanSpread.Core.Installing;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Download;
using LanSpread.Peer.FileSystem;
using LanSpread.Peer.Identity;
using LanSpread.Peer.Installing;
using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;
using LanSpread.Peer.Protocol;
using LanSpread.Peer.Server;
using LanSpread.Peer.Swarm;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Runtime;

/// <summary>
/// Boots a peer in steps: compose (identity, trust, the library), prepare the library (start-up
/// recovery of every game root, the first scan), listen, create the services, start discovery, then run
/// the long-running components (server, ping service, local game monitor, command loop, hashing) in
/// the background. This is the composition root: every service is made here with plain <c>new</c>, in
/// dependency order, and given exactly what it uses (docs/ARCHITECTURE.md draws the graph).
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
            // Step 1: identity, trust and the library. Opens nothing.
            var credentials = PeerIdentity.LoadOrCreate(options.DataDirectory);
            var trusted = TrustedPeers.Load(options.DataDirectory, options.TrustedPeers);
            var knownPeers = KnownPeers.Load(options.DataDirectory, loggerFactory.CreateLogger<KnownPeers>());
            var library = OpenLibrary(directory, catalog, options, events, loggerFactory, components);
            var publisher = new LibraryPublisher(events, peerGameDb, library, catalog);
            library.GameHashed += _ => publisher.PublishLocalChange();
            var installer = new InstallTransaction(unpacker, loggerFactory.CreateLogger<InstallTransaction>());

            await PrepareLibraryAsync(library, installer, logger, cancellationToken);
            components.Listener = await ListenAsync(plugins.Transport, options, credentials, logger, cancellationToken);
            logger.LogInformation("Peer {Name} ({Id}) serving {Directory} on {EndPoint} over {Transport}", options.Name, credentials.PeerId.Abbreviated, directory, components.Listener.LocalEndPoint, plugins.Transport.Name);
            var services = CreateServices(options, credentials, trusted, knownPeers, plugins, installer, library, publisher, peerGameDb, events, loggerFactory, components);
            var advertisement = new DiscoveryAdvertisement(credentials.PeerId, options.Name, components.Listener.LocalEndPoint.Port, ProtocolConstants.Version, [plugins.Transport.Name]);
            await StartDiscoveryAsync(advertisement, services.Connector, plugins, events, components, logger, cancellationToken);
            Run(library, events, services, components, logger);

            publisher.PublishSnapshot();
            return new PeerRuntimeHandle(credentials.PeerId, options.Name, components.Listener.LocalEndPoint, events, peerGameDb, library, catalog, components.Commands, async () =>
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

    /// <summary>Step 1 (part): the library over its index; hashing runs later (step 6).</summary>
    private static LocalLibrary OpenLibrary(string directory, GameCatalog catalog, PeerRuntimeOptions options, EventBus events, ILoggerFactory loggerFactory, RuntimeComponents components)
    {
        components.Index = new LibraryIndex(Path.Combine(options.DataDirectory, "library-index.json"), loggerFactory.CreateLogger<LibraryIndex>());
        var scanner = new LibraryScanner(catalog, components.Index, loggerFactory.CreateLogger<LibraryScanner>(), ContentChunking.FromAverage(options.ChunkSize), options.HashParallelism,
            (game, done, total) => events.Publish(new ManifestProgress(game, done, total)))
        { TestHashBytesPerSecond = options.TestHashBytesPerSecond, TestHashGate = options.TestHashGate };
        var library = new LocalLibrary(directory, scanner, loggerFactory.CreateLogger<LocalLibrary>(), backgroundHashing: true);
        library.HashingDrained += (games, bytes, time) => events.Publish(new LibraryReady(games, bytes, time.TotalSeconds));
        return library;
    }

    /// <summary>
    /// Step 2: finish or undo what an earlier run left half done, then the first scan: names, versions
    /// and sizes only (the index answers known games); new or changed content is hashed in the background
    /// once the peer runs (step 6), so a large new library does not hold up listening.
    /// </summary>
    private static async Task PrepareLibraryAsync(LocalLibrary library, IInstallTransaction installer, ILogger logger, CancellationToken cancellationToken)
    {
        await RecoverRootsAsync(library.GameDirectory, installer, logger, cancellationToken);
        library.RescanAll();
    }

    /// <summary>
    /// Step 4: the services, each given what it uses, lower layers first (nothing runs yet; what needs a
    /// teardown is recorded in <paramref name="components"/>). The connector depends on nothing made
    /// here after it, so it is made first and handed to the services that look peers up.
    /// </summary>
    private static RuntimeServices CreateServices(PeerRuntimeOptions options, TransportCredentials credentials, IReadOnlySet<PeerId> trusted, KnownPeers knownPeers, PeerPlugins plugins,
        IInstallTransaction installer, LocalLibrary library, LibraryPublisher publisher, PeerGameDB peerGameDb, EventBus events, ILoggerFactory loggerFactory, RuntimeComponents components)
    {
        var operations = new OperationTracker();
        var liveness = new PeerLiveness();
        var partials = new PartialDownloads();
        var uploads = components.Uploads = new UploadLimiter(options.MaxUploadRate, options.MaxUploadsPerPeer);
        var connector = components.Connector = new PeerConnector(plugins.Transport, credentials, peerGameDb, events, publisher, liveness, knownPeers, trusted, loggerFactory.CreateLogger<PeerConnector>(), components.Stopping.Token);
        var monitor = components.Monitor = new LocalGameMonitor(options, library, operations, events, publisher, loggerFactory.CreateLogger<LocalGameMonitor>());
        var downloads = new DownloadPipeline(options, library, operations, peerGameDb, connector, liveness, partials, plugins.Planner, trusted, events, loggerFactory);
        var installs = new InstallCoordinator(library.RootOf, operations, installer, events, loggerFactory.CreateLogger<InstallCoordinator>());
        var downloadInstaller = new DownloadInstaller(options, installer, installs, events, operations, loggerFactory);
        var orchestrator = new GameDownloadOrchestrator(events, downloads, downloadInstaller);
        var dispatcher = new CommandDispatcher(events, peerGameDb, library, publisher, downloads, installs, downloadInstaller, orchestrator, monitor, loggerFactory.CreateLogger<CommandDispatcher>());
        var server = new PeerServer(options, library, operations, connector, liveness, partials, uploads, loggerFactory.CreateLogger<PeerServer>());
        var ping = new PingService(options, credentials, library, liveness, connector, loggerFactory.CreateLogger<PingService>());
        return new RuntimeServices(connector, server, ping, monitor, dispatcher);
    }

    /// <summary>
    /// Step 5: advertise and discover. A discovery that fails to start is reported and skipped (the
    /// peer still works with the others); a cancelled start-up stops the sessions already started.
    /// </summary>
    private static async Task StartDiscoveryAsync(DiscoveryAdvertisement advertisement, IDiscoveryObserver observer, PeerPlugins plugins, EventBus events, RuntimeComponents components, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var discovery in plugins.Discoveries)
        {
            try
            {
                components.Sessions.Add(await discovery.StartAsync(advertisement, observer, cancellationToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Discovery {Name} failed to start: {Error}", discovery.Name, ex.Message);
                events.Publish(new RuntimeFailed($"discovery:{discovery.Name}", ex.Message));
            }
        }
    }

    /// <summary>Step 6: the long-running components, each supervised: a crash is reported, not thrown.</summary>
    private static void Run(LocalLibrary library, EventBus events, RuntimeServices services, RuntimeComponents components, ILogger logger)
    {
        var stopping = components.Stopping.Token;
        var listener = components.Listener!;
        components.Tasks =
        [
            Supervise("server", () => services.Server.RunAsync(listener, stopping)),
            Supervise("ping", () => services.Ping.RunAsync(stopping)),
            Supervise("monitor", () => services.Monitor.RunAsync(stopping)),
            Supervise("commands", () => services.Dispatcher.RunAsync(components.Commands.Reader, stopping)),
            Supervise("hashing", () => library.RunHashingAsync(stopping)),
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
                events.Publish(new RuntimeFailed(component, ex.Message));
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
