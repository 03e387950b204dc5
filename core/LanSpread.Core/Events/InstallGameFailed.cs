using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>An install or update failed; the previous state was kept.</summary>
/// <param name="Game">The game id.</param>
/// <param name="Mode">Install or update.</param>
/// <param name="Reason">What went wrong.</param>
public sealed record InstallGameFailed(string Game, InstallMode Mode, string Reason) : PeerEvent;
