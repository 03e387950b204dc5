using LanSpread.Core.Model;

namespace LanSpread.Gui.Services;

/// <summary>A peer on the LAN as the Peers view shows it.</summary>
/// <param name="Name">Its display name.</param>
/// <param name="Id">Its certificate-derived id.</param>
/// <param name="Address">Where it is reached.</param>
/// <param name="Source">How it was found ("mdns", "static"), when the runtime said.</param>
/// <param name="Since">When this peer first saw it.</param>
public sealed record PeerInfo(string Name, PeerId Id, string Address, string? Source, DateTimeOffset Since)
{
    /// <summary>The discovery mechanism in words.</summary>
    public string HowFound => Source switch
    {
        "mdns" => "mDNS (found on the LAN)",
        "static" => "added by address (--peer)",
        null or "" => "unknown",
        _ => Source,
    };
}
