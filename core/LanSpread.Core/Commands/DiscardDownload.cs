namespace LanSpread.Core.Commands;

/// <summary>
/// Delete the partial data of a paused or interrupted download of a game (stopping the download
/// first when one runs). The version held before the download is not touched. Answered by
/// <see cref="Events.DownloadDiscarded"/>.
/// </summary>
/// <param name="Id">The game id.</param>
public sealed record DiscardDownload(string Id) : PeerCommand;
