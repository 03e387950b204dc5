using LanSpread.Core.Model;

namespace LanSpread.Gui.Services;

/// <summary>Which <see cref="GameState"/> a game is in, and its label.</summary>
public static class GameStates
{
    public static GameState Of(Game game, GameOperation? operation)
    {
        ArgumentNullException.ThrowIfNull(game);
        return operation?.Kind switch
        {
            GameOperationKind.Failed => GameState.Failed,
            GameOperationKind.Cancelled => GameState.Cancelled,
            GameOperationKind.Paused => GameState.Paused,
            GameOperationKind.Requesting => GameState.Requesting,
            GameOperationKind.Downloading => GameState.Downloading,
            GameOperationKind.Installing => GameState.Installing,
            GameOperationKind.Uninstalling => GameState.Uninstalling,
            _ when !game.InCatalog => GameState.NotInCatalog,
            _ when game.IsInstalled && !game.IsDownloaded => GameState.Interrupted,
            _ when game.IsInstalled && game.UpdateAvailable => GameState.UpdateAvailable,
            _ when game.IsInstalled => GameState.Installed,
            _ when game.IsDownloaded => GameState.Downloaded,
            _ when game.PeersWithLatest > 0 => GameState.NotDownloaded,
            _ => GameState.NotAvailable,
        };
    }

    public static string Label(GameState state) => state switch
    {
        GameState.NotAvailable => "not available",
        GameState.NotDownloaded => "not downloaded",
        GameState.Requesting => "asking peers…",
        GameState.Downloading => "downloading",
        GameState.Downloaded => "downloaded",
        GameState.Installing => "installing",
        GameState.Uninstalling => "uninstalling",
        GameState.Installed => "installed",
        GameState.UpdateAvailable => "update available",
        GameState.Cancelled => "cancelled",
        GameState.Paused => "paused",
        GameState.Interrupted => "download interrupted",
        GameState.NotInCatalog => "not in the catalog",
        _ => "failed",
    };
}
