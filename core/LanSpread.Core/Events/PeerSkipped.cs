using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>
/// A peer offering a game is not used for it: its details disagree with what it announced (version,
/// <c>version.ini</c> content), its manifest is invalid, or its manifest digest differs from the one
/// most peers of that version agree on. The other peers are still used.
/// </summary>
/// <param name="Game">The game id.</param>
/// <param name="Peer">Display name of the peer.</param>
/// <param name="PeerId">Its id.</param>
/// <param name="Reason">Why it is skipped.</param>
public sealed record PeerSkipped(string Game, string Peer, PeerId PeerId, string Reason) : PeerEvent;
