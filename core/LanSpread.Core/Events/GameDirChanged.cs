namespace LanSpread.Core.Events;

/// <summary>The game directory was switched by SetGameDir.</summary>
/// <param name="Path">The new game directory.</param>
public sealed record GameDirChanged(string Path) : PeerEvent;
