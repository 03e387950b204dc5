namespace LanSpread.Core.Model;

/// <summary>How many bytes one peer served during a download, and how fast.</summary>
/// <param name="Peer">Display name.</param>
/// <param name="PeerId">The peer's id.</param>
/// <param name="Bytes">Bytes served (verified chunks only).</param>
/// <param name="BytesPerSecond">Its mean rate: <paramref name="Bytes"/> over the time it had requests in flight (0 when unknown).</param>
public sealed record PeerBytes(string Peer, PeerId PeerId, long Bytes, double BytesPerSecond = 0);
