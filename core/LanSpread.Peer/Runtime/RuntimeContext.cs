using LanSpread.Core.Events;
using LanSpread.Core.Installing;
using LanSpread.Core.Planning;
using LanSpread.Core.Transport;
using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Runtime;

/// <summary>What the runtime's services share. Built once by PeerRuntime.StartAsync.</summary>
internal sealed class RuntimeContext
{
    public required PeerRuntimeOptions Options { get; init; }

    public required TransportCredentials Credentials { get; init; }

    public required ITransport Transport { get; init; }

    public required IChunkPlanner Planner { get; init; }

    public required IInstallTransaction Installer { get; init; }

    public required GameCatalog Catalog { get; init; }

    public required LocalLibrary Library { get; init; }

    public required PeerGameDB PeerGameDb { get; init; }

    public required EventBus Events { get; init; }

    public required OperationTracker Operations { get; init; }

    public required ILoggerFactory LoggerFactory { get; init; }

    public required CancellationToken Stopping { get; init; }

    /// <summary>Peers remembered across restarts (identity-change warnings); null in component tests.</summary>
    public Identity.KnownPeers? KnownPeers { get; init; }

    /// <summary>When not empty, the only peers downloads may use.</summary>
    public IReadOnlySet<Core.Model.PeerId> TrustedPeers { get; init; } = new HashSet<Core.Model.PeerId>();

    public PeerConnector Connector { get; set; } = null!;

    /// <summary>The downloads running here and what each holds so far (served to other peers).</summary>
    public Swarm.PartialDownloads Partials { get; } = new();

    /// <summary>The upload limits of this peer's server; set by the runtime from the options.</summary>
    public Server.UploadLimiter Uploads { get; init; } = new(null, int.MaxValue);

    /// <summary>When each peer was last heard from by our server (its requests prove it alive).</summary>
    public PeerLiveness Liveness { get; } = new();

    public void PublishSnapshot() =>
        Events.Publish(new LibrarySnapshot(PeerGameDb.Merge(Library.Snapshot(), Catalog)));

    public void PublishLocalChange()
    {
        Events.Publish(new LocalLibraryChanged(Library.Snapshot().Games.Values.OrderBy(g => g.Id, StringComparer.Ordinal).ToList()));
        PublishSnapshot();
    }
}
