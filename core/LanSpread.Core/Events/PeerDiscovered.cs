using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>A peer joined.</summary>
/// <param name="Peer">Display name.</param>
/// <param name="PeerId">The peer's id.</param>
/// <param name="Address">The address it is reached at.</param>
public sealed record PeerDiscovered(string Peer, PeerId PeerId, string Address) : PeerEvent;
