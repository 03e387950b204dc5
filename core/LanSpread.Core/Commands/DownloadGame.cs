namespace LanSpread.Core.Commands;

/// <summary>
/// Download a game end to end, new or update: the runtime asks the peers with the latest version for
/// its details (<see cref="Events.GotGameFiles"/> or <see cref="Events.NoPeersHaveGame"/>), downloads it
/// (<see cref="DownloadGameFiles"/>'s events) and, when the runtime installs after downloads, installs
/// it (<see cref="Events.InstallGameFinished"/> or <see cref="Events.InstallGameFailed"/>). This is the
/// one command a host needs; <see cref="GetGame"/> and <see cref="DownloadGameFiles"/> remain for
/// callers that drive the steps themselves.
/// </summary>
/// <param name="Id">The game id.</param>
/// <param name="AllowDowngrade">Allow replacing a newer version held here by the older one peers offer.</param>
public sealed record DownloadGame(string Id, bool AllowDowngrade = false) : PeerCommand;
