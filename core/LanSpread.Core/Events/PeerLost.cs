using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>A peer left or stopped answering.</summary>
/// <param name="Peer">Display name.</param>
/// <param name="PeerId">The peer's id.</param>
/// <param name="Address">The address it was reached at.</param>
/// <param name="Reason">Why it was pruned.</param>
public sealed record PeerLost(string Peer, PeerId PeerId, string Address, string Reason) : PeerEvent;
