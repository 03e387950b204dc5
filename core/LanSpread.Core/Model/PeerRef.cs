namespace LanSpread.Core.Model;

/// <summary>A peer as named in events: its display name and its id.</summary>
/// <param name="Name">The display name the peer advertised.</param>
/// <param name="PeerId">The peer's certificate-derived id.</param>
public sealed record PeerRef(string Name, PeerId PeerId);
