namespace LanSpread.Core.Commands;

/// <summary>Cancel a running download of a game.</summary>
/// <param name="Id">The game id.</param>
public sealed record CancelDownload(string Id) : PeerCommand;
