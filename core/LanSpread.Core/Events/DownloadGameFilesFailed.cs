namespace LanSpread.Core.Events;

/// <summary>A download failed; the sentinel files were swept.</summary>
/// <param name="Game">The game id.</param>
/// <param name="Reason">What went wrong.</param>
public sealed record DownloadGameFilesFailed(string Game, string Reason) : PeerEvent;
