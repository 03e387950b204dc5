namespace LanSpread.Core.Model;

/// <summary>What this peer has of one game root.</summary>
/// <param name="Id">The game id (the root's directory name).</param>
/// <param name="Version">The content of <c>version.ini</c>, or null when the game is not downloaded.</param>
/// <param name="IsDownloaded">Whether the root-level <c>version.ini</c> sentinel exists.</param>
/// <param name="IsInstalled">Whether <c>local/</c> is a directory.</param>
/// <param name="Size">Total size of the served files in bytes.</param>
/// <param name="InCatalog">Whether the id is in the catalog (only such games are announced and served).</param>
public sealed record LocalGame(string Id, string? Version, bool IsDownloaded, bool IsInstalled, long Size, bool InCatalog);
