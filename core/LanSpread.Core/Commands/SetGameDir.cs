namespace LanSpread.Core.Commands;

/// <summary>Switch the game directory: validate, rescan, re-announce.</summary>
/// <param name="Path">The new game directory.</param>
public sealed record SetGameDir(string Path) : PeerCommand;
