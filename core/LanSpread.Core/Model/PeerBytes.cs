namespace LanSpread.Core.Model;

/// <summary>How many bytes one peer served during a download.</summary>
/// <param name="Peer">Display name.</param>
/// <param name="PeerId">The peer's id.</param>
/// <param name="Bytes">Bytes served.</param>
public sealed record PeerBytes(string Peer, PeerId PeerId, long Bytes);
