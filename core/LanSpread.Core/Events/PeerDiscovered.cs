using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>A peer joined.</summary>
/// <param name="Peer">Display name.</param>
/// <param name="PeerId">The peer's id.</param>
/// <param name="Address">The address it is reached at.</param>
/// <param name="Source">How it was found: the discovery mechanism (e.g. "mdns", "static"), when known.</param>
public sealed record PeerDiscovered(string Peer, PeerId PeerId, string Address, string? Source = null) : PeerEvent;
