using LanSpread.Core.Model;
using LanSpread.Peer.Peers;

namespace LanSpread.Peer.Swarm;

/// <summary>
/// One change in who holds what of a running download, in the download's own chunk indexes (its
/// ChunkPlanRequest.Chunks): a peer found holding chunks (<see cref="Client"/> set; <see cref="Indexes"/>
/// null for a complete copy), or a known peer that gained chunks (<see cref="Client"/> null).
/// </summary>
internal sealed record SwarmChange(PeerId PeerId, PeerClient? Client, IReadOnlyCollection<int>? Indexes)
{
    public bool IsJoin => Client is not null;
}
