namespace LanSpread.Core.Events;

/// <summary>An uninstall failed.</summary>
/// <param name="Game">The game id.</param>
/// <param name="Reason">What went wrong.</param>
public sealed record UninstallGameFailed(string Game, string Reason) : PeerEvent;
