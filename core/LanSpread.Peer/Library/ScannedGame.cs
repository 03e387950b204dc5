using LanSpread.Core.Model;

namespace LanSpread.Peer.Library;

/// <summary>
/// One scanned game root: its state, the served file list, the chunks of its files (when the scanner
/// hashes content) and, for a downloaded game, its manifest.
/// </summary>
public sealed record ScannedGame(LocalGame Game, IReadOnlyList<GameFileDescription> Files, IReadOnlyList<ManifestFile>? Content = null, GameManifest? Manifest = null)
{
    public GameDetails? Details => Game.IsDownloaded ? new GameDetails(Game.Id, Game.Version ?? string.Empty, Files, Manifest) : null;

    /// <summary>
    /// True while some of the root's files still wait to be hashed in the background: the game has no
    /// manifest yet, so it is neither announced nor served until a later scan finds every file hashed.
    /// </summary>
    public bool HashPending { get; init; }
}
