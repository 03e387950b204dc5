namespace LanSpread.Gui.Services;

/// <summary>What the user asked for on a game; a failed operation remembers it so Retry repeats it.</summary>
public enum GameAction
{
    Download,
    Update,
    Install,
    Uninstall,
}
