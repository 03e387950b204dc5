namespace LanSpread.Core.Model;

/// <summary>A game's version and the list of files a peer serves for it.</summary>
/// <param name="Id">The game id.</param>
/// <param name="Version">The version (content of <c>version.ini</c>).</param>
/// <param name="Files">Every served entry, <c>version.ini</c> included.</param>
/// <param name="Manifest">The content manifest of that version (chunks and hashes); null only from a peer that has none.</param>
public sealed record GameDetails(string Id, string Version, IReadOnlyList<GameFileDescription> Files, GameManifest? Manifest = null);
