namespace LanSpread.Core.Commands;

/// <summary>
/// Pause a running download of a game: the transfer stops, the verified chunks stay on disk and a
/// later download of the same content fetches only what is missing. <see cref="DiscardDownload"/>
/// deletes them.
/// </summary>
/// <param name="Id">The game id.</param>
public sealed record CancelDownload(string Id) : PeerCommand;
