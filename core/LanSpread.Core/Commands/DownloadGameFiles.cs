using LanSpread.Core.Model;

namespace LanSpread.Core.Commands;

/// <summary>
/// Download a game from every peer that offers its latest version (the manifest most of them agree
/// on). Chunks already on disk (a paused or interrupted download, or any file of the version held
/// now) are not fetched again; a game already at that content transfers nothing.
/// </summary>
/// <param name="Id">The game id.</param>
/// <param name="Files">The files as reported by GotGameFiles (the manifest decides the content; these give the directories).</param>
/// <param name="AllowDowngrade">Allow replacing a newer version held here by the older one peers offer.</param>
public sealed record DownloadGameFiles(string Id, IReadOnlyList<GameFileDescription> Files, bool AllowDowngrade = false) : PeerCommand;
