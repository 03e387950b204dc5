using LanSpread.Core.Model;

namespace LanSpread.Peer.Library;

/// <summary>One scanned game root: its state and the served file list.</summary>
public sealed record ScannedGame(LocalGame Game, IReadOnlyList<GameFileDescription> Files)
{
    public GameDetails? Details => Game.IsDownloaded ? new GameDetails(Game.Id, Game.Version ?? string.Empty, Files) : null;
}
