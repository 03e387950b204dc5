namespace LanSpread.Core.Model;

/// <summary>
/// One title of the merged library the hosts see: catalog data, this peer's copy and what the peers on
/// the LAN offer.
/// </summary>
/// <param name="Id">The game id.</param>
/// <param name="Name">Display name (the id when the catalog does not know it).</param>
/// <param name="Description">Catalog description.</param>
/// <param name="Genre">Catalog genre.</param>
/// <param name="MaxPlayers">Catalog max players.</param>
/// <param name="Size">Size in bytes of the local copy, else of the latest offered copy.</param>
/// <param name="LocalVersion">The version downloaded here, if any.</param>
/// <param name="LatestVersion">The newest version seen here or on any peer.</param>
/// <param name="IsDownloaded">Whether the game is downloaded here.</param>
/// <param name="IsInstalled">Whether the game is installed here.</param>
/// <param name="PeersWithLatest">How many peers offer the latest version.</param>
/// <param name="InCatalog">Whether the catalog lists the game.</param>
public sealed record Game(
    string Id,
    string Name,
    string Description,
    string Genre,
    int MaxPlayers,
    long Size,
    string? LocalVersion,
    string? LatestVersion,
    bool IsDownloaded,
    bool IsInstalled,
    int PeersWithLatest,
    bool InCatalog)
{
    /// <summary>Whether a peer offers a newer version than the local one.</summary>
    public bool UpdateAvailable => IsDownloaded && GameVersion.Compare(LatestVersion, LocalVersion) > 0;
}
