using LanSpread.Core.Model;

namespace LanSpread.Core.Commands;

/// <summary>Download the given files of a game from every peer that offers its latest version.</summary>
/// <param name="Id">The game id.</param>
/// <param name="Files">The files to fetch, as reported by GotGameFiles.</param>
public sealed record DownloadGameFiles(string Id, IReadOnlyList<GameFileDescription> Files) : PeerCommand;
