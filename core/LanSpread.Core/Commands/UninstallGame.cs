namespace LanSpread.Core.Commands;

/// <summary>Remove the installed game (<c>local/</c>), keeping the download.</summary>
/// <param name="Id">The game id.</param>
public sealed record UninstallGame(string Id) : PeerCommand;
