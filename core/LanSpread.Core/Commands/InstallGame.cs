namespace LanSpread.Core.Commands;

/// <summary>Install (or update) a downloaded game from its archive.</summary>
/// <param name="Id">The game id.</param>
public sealed record InstallGame(string Id) : PeerCommand;
