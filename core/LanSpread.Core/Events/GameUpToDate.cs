namespace LanSpread.Core.Events;

/// <summary>A download was asked for a game whose content here already equals the chosen manifest: nothing was transferred.</summary>
/// <param name="Game">The game id.</param>
/// <param name="Version">The version held (and offered).</param>
/// <param name="Installing">Whether an install follows (the game was downloaded but not installed).</param>
public sealed record GameUpToDate(string Game, string Version, bool Installing) : PeerEvent;
