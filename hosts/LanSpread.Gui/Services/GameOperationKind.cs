namespace LanSpread.Gui.Services;

/// <summary>The phase of what is happening to one game.</summary>
public enum GameOperationKind
{
    Requesting,
    Downloading,
    Installing,
    Uninstalling,
    Failed,

    /// <summary>The user cancelled a download: not an error, so it is shown neutrally.</summary>
    Cancelled,

    /// <summary>A download stopped with its verified chunks kept: Resume fetches only the rest, Discard deletes them.</summary>
    Paused,
}
