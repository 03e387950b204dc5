using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>An install or update transaction starts.</summary>
/// <param name="Game">The game id.</param>
/// <param name="Mode">Install or update.</param>
public sealed record InstallGameBegin(string Game, InstallMode Mode) : PeerEvent;
