namespace LanSpread.Gui.Services;

public enum GameOperationKind
{
    Requesting,
    Downloading,
    Installing,
    Uninstalling,
    Failed,
}
