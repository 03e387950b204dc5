namespace LanSpread.Core.Events;

/// <summary>An uninstall committed.</summary>
/// <param name="Game">The game id.</param>
public sealed record UninstallGameFinished(string Game) : PeerEvent;
