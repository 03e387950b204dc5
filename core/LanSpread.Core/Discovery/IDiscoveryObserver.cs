using LanSpread.Core.Model;

namespace LanSpread.Core.Discovery;

/// <summary>Receives what a discovery mechanism finds. Calls may come from any thread and must not block.</summary>
public interface IDiscoveryObserver
{
    /// <summary>A peer was seen (again); repeated sightings are expected and must be cheap.</summary>
    /// <param name="peer">What was seen.</param>
    void OnPeerFound(DiscoveredPeer peer);

    /// <summary>A peer said goodbye or its record expired.</summary>
    /// <param name="peerId">The peer.</param>
    /// <param name="reason">Why.</param>
    void OnPeerGone(PeerId peerId, string reason);
}
