using LanSpread.Core.Events;
using LanSpread.Peer.Peers;
using LanSpread.Peer.Runtime;

namespace LanSpread.Peer.Library;

/// <summary>
/// Publishes what hosts see of the library: the merged view (local games with what peers offer) and the
/// local list. One place, because the connector (peer lists changed), the monitor and hashing (local games
/// changed) and the command loop (a host asked) all publish the same two events.
/// </summary>
internal sealed class LibraryPublisher(EventBus events, PeerGameDB peerGameDb, LocalLibrary library, GameCatalog catalog)
{
    /// <summary>Publishes the merged view of local and peer games.</summary>
    public void PublishSnapshot() =>
        events.Publish(new LibrarySnapshot(peerGameDb.Merge(library.Snapshot(), catalog)));

    /// <summary>Publishes the local games, then the merged view.</summary>
    public void PublishLocalChange()
    {
        events.Publish(new LocalLibraryChanged(library.Snapshot().Games.Values.OrderBy(g => g.Id, StringComparer.Ordinal).ToList()));
        PublishSnapshot();
    }
}
