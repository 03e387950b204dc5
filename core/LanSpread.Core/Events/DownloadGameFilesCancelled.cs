namespace LanSpread.Core.Events;

/// <summary>A download was cancelled (paused): the verified chunks stay on disk for a later download.</summary>
/// <param name="Game">The game id.</param>
/// <param name="Reason">Why it was cancelled.</param>
/// <param name="KeptBytes">Verified bytes kept on disk; a later download fetches only the rest.</param>
public sealed record DownloadGameFilesCancelled(string Game, string Reason, long KeptBytes = 0) : PeerEvent;
