namespace LanSpread.Core.Commands;

/// <summary>Start a new download: ask the peers for the game's file list (answered by GotGameFiles or NoPeersHaveGame).</summary>
/// <param name="Id">The game id.</param>
public sealed record GetGame(string Id) : PeerCommand;
