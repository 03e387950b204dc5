namespace LanSpread.Peer.Composition;

/// <summary>The state of a plugin part (Jellyfin's plugin status is the model).</summary>
public enum PluginStatus
{
    /// <summary>Loaded, composed and usable.</summary>
    Active,

    /// <summary>Loaded, but reports it cannot run on this platform.</summary>
    NotSupported,

    /// <summary>Failed to load, compose or construct.</summary>
    Malfunctioned,

    /// <summary>Targets a contract version this host does not implement.</summary>
    Incompatible,
}
