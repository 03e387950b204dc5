namespace LanSpread.Core.Commands;

/// <summary>Start an update: like GetGame, but never use local archives.</summary>
/// <param name="Id">The game id.</param>
public sealed record FetchLatestFromPeers(string Id) : PeerCommand;
