using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>
/// A name or address this peer knew under one peer id now presents another (OpenSSH's "remote host
/// identification has changed"): a peer reinstalled, or someone else answering in its place.
/// </summary>
/// <param name="Peer">The display name the peer gives now.</param>
/// <param name="PeerId">The id its certificate hashes to now.</param>
/// <param name="Address">The address it was reached at.</param>
/// <param name="PreviousPeerId">The id the name or address belonged to until now.</param>
/// <param name="Reason">What matched (the name, the address or both) and when the previous id was last seen.</param>
/// <param name="Trusted">Whether the new id is in this peer's trusted set (false also when no set is configured).</param>
public sealed record PeerIdentityChanged(string Peer, PeerId PeerId, string Address, PeerId PreviousPeerId, string Reason, bool Trusted) : PeerEvent;
