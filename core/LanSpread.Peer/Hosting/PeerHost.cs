using LanSpread.Core.Composition;
using LanSpread.Core.Discovery;
using LanSpread.Core.Planning;
using LanSpread.Core.Transport;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Composition;
using LanSpread.Peer.Discovery;
using LanSpread.Peer.Installing;
using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;
using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Hosting;

/// <summary>
/// Composes a peer the way every host does: load the plugin catalog, select transport, planner,
/// unpacker and discoveries (by name, else highest priority), load the catalog, start the runtime.
/// The CLI and the GUI both go through here, so neither has transfer logic of its own.
/// </summary>
public sealed class PeerHost : IAsyncDisposable
{
    private PeerHost(PluginCatalog plugins, PeerRuntimeHandle runtime, ITransport transport, IChunkPlanner planner, IUnpacker unpacker)
    {
        Plugins = plugins;
        Runtime = runtime;
        Transport = transport;
        Planner = planner;
        Unpacker = unpacker;
    }

    public PluginCatalog Plugins { get; }

    public PeerRuntimeHandle Runtime { get; }

    public ITransport Transport { get; }

    public IChunkPlanner Planner { get; }

    public IUnpacker Unpacker { get; }

    /// <summary>
    /// Loads the plugins from the default folder beside the host plus <paramref name="extra"/>, with the
    /// settings layered by <see cref="PluginConfiguration"/>; an unknown key or a bad value throws
    /// <see cref="PluginSelectionException"/> listing the known keys.
    /// </summary>
    public static PluginCatalog LoadPlugins(IEnumerable<string> extra, ILoggerFactory loggerFactory, IReadOnlyDictionary<string, string>? settings = null) =>
        LoadPlugins(extra, loggerFactory, PluginConfiguration.Build(settings), out _);

    private static PluginCatalog LoadPlugins(IEnumerable<string> extra, ILoggerFactory loggerFactory, PluginSettings pluginSettings, out ServerTuning server)
    {
        // The host's own section is read from the same settings first, so its keys are known to the
        // check (and to every command, whether it serves or not).
        server = ServerTuning.Read(pluginSettings);
        var catalog = PluginCatalog.Load([PluginCatalog.DefaultDirectory, .. extra], loggerFactory, pluginSettings);
        try
        {
            PluginConfiguration.Check(catalog, pluginSettings);
            return catalog;
        }
        catch
        {
            catalog.Dispose();
            throw;
        }
    }

    public static async Task<PeerHost> StartAsync(PeerHostSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var plugins = LoadPlugins(settings.PluginDirectories, loggerFactory, PluginConfiguration.Build(settings.PluginSettings), out var server);
        try
        {
            var options = new PeerRuntimeOptions { InstallAfterDownload = settings.InstallAfterDownload };
            if (settings.Name is not null)
            {
                options.Name = settings.Name;
            }

            if (settings.DataDirectory is not null)
            {
                options.DataDirectory = settings.DataDirectory;
            }

            if (settings.Listen is not null)
            {
                options.ListenEndPoint = settings.Listen;
            }
            else
            {
                options.ListenPortFallback = true; // the default port may be another peer's on this machine
            }

            options.TrustedPeers.UnionWith(settings.TrustedPeers);
            if (settings.ChunkSize is { } chunk)
            {
                options.ChunkSize = chunk;
            }

            options.MaxUploadRate = settings.MaxUploadRate ?? options.MaxUploadRate;
            options.MaxUploadsPerPeer = settings.MaxUploadsPerPeer ?? options.MaxUploadsPerPeer;
            options.Swarming = settings.Swarming;

            // Server bounds are runtime options, set like plugin settings (--set server.sendTimeout=10).
            server.Apply(options);
            settings.Configure?.Invoke(options);

            var transport = plugins.Select<ITransport>(PluginKind.Transport, settings.Transport);
            var planner = plugins.Select<IChunkPlanner>(PluginKind.Planner, settings.Planner);
            // Resolved on the first install: a peer that only serves or downloads never loads the unpackers.
            var unpacker = new DeferredUnpacker(() => UnpackerSet.From(plugins));
            var discoveries = new List<IDiscovery>();
            if (!settings.NoMdns)
            {
                discoveries.AddRange(plugins.Active<IDiscovery>(PluginKind.Discovery));
            }

            if (settings.StaticPeers.Count > 0)
            {
                discoveries.Add(new StaticPeerDiscovery(settings.StaticPeers, options.PingInterval));
            }

            var catalog = GameCatalog.Load(settings.CatalogFile);
            var events = new EventBus(loggerFactory.CreateLogger<EventBus>());
            var runtime = await PeerRuntime.StartAsync(settings.GameDirectory, events, new PeerGameDB(), unpacker, catalog,
                new PeerPlugins(transport, discoveries, planner), options, loggerFactory, cancellationToken);
            return new PeerHost(plugins, runtime, transport, planner, unpacker);
        }
        catch
        {
            plugins.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.StopAsync();
        Plugins.Dispose();
    }
}
