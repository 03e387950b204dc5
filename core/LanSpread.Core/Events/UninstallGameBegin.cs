namespace LanSpread.Core.Events;

/// <summary>An uninstall starts.</summary>
/// <param name="Game">The game id.</param>
public sealed record UninstallGameBegin(string Game) : PeerEvent;
