namespace LanSpread.Core.Events;

/// <summary>No known peer offers the requested game.</summary>
/// <param name="Game">The game id.</param>
public sealed record NoPeersHaveGame(string Game) : PeerEvent;
