namespace LanSpread.Core.Events;

/// <summary>A download was cancelled; the sentinel files were swept.</summary>
/// <param name="Game">The game id.</param>
/// <param name="Reason">Why it was cancelled.</param>
public sealed record DownloadGameFilesCancelled(string Game, string Reason) : PeerEvent;
