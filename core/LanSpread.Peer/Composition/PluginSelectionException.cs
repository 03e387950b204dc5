namespace LanSpread.Peer.Composition;

/// <summary>No usable part matched a host's choice; the message lists what is available.</summary>
public sealed class PluginSelectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PluginSelectionException(string message)
        : base(message)
    {
    }
}
