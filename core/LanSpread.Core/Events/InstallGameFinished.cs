using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>An install or update committed.</summary>
/// <param name="Game">The game id.</param>
/// <param name="Mode">Install or update.</param>
public sealed record InstallGameFinished(string Game, InstallMode Mode) : PeerEvent;
