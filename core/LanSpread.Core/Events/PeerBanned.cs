using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>A peer sent bad data and is no longer used for this download.</summary>
/// <param name="Game">The game id.</param>
/// <param name="Peer">Display name of the peer.</param>
/// <param name="PeerId">Its id.</param>
/// <param name="Reason">What it did.</param>
public sealed record PeerBanned(string Game, string Peer, PeerId PeerId, string Reason) : PeerEvent;
