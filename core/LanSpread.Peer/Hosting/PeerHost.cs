using LanSpread.Core.Composition;
using LanSpread.Core.Discovery;
using LanSpread.Core.Planning;
using LanSpread.Core.Transport;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Composition;
using LanSpread.Peer.Discovery;
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

    /// <summary>Loads the plugins from the default folder beside the host plus <paramref name="extra"/>.</summary>
    public static PluginCatalog LoadPlugins(IEnumerable<string> extra, ILoggerFactory loggerFactory, IReadOnlyDictionary<string, string>? settings = null) =>
        PluginCatalog.Load([PluginCatalog.DefaultDirectory, .. extra], loggerFactory, new PluginSettings(settings ?? new Dictionary<string, string>()));

    public static async Task<PeerHost> StartAsync(PeerHostSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var plugins = LoadPlugins(settings.PluginDirectories, loggerFactory, settings.PluginSettings);
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

            if (settings.ChunkSize is { } chunk)
            {
                options.ChunkSize = chunk;
            }

            settings.Configure?.Invoke(options);

            var transport = plugins.Select<ITransport>(PluginKind.Transport, settings.Transport);
            var planner = plugins.Select<IChunkPlanner>(PluginKind.Planner, settings.Planner);
            var unpacker = plugins.Select<IUnpacker>(PluginKind.Unpacker, null);
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
