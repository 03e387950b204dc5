namespace LanSpread.Core.Events;

/// <summary>The partial data of a download was deleted (answer to DiscardDownload).</summary>
/// <param name="Game">The game id.</param>
/// <param name="Bytes">Bytes of partial data deleted.</param>
public sealed record DownloadDiscarded(string Game, long Bytes) : PeerEvent;
