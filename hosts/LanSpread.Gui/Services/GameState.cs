namespace LanSpread.Gui.Services;

/// <summary>The state a game is shown in, derived from the merged library entry and its running operation.</summary>
public enum GameState
{
    NotAvailable,
    NotDownloaded,
    Requesting,
    Downloading,
    Downloaded,
    Installing,
    Uninstalling,
    Installed,
    UpdateAvailable,
    Failed,
    Cancelled,
    Paused,

    /// <summary>Installed files without a downloaded version: an update or download was interrupted (the process was killed).</summary>
    Interrupted,

    /// <summary>A folder in the game directory the catalog does not know: reported, never shared or installed.</summary>
    NotInCatalog,
}
