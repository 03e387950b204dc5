namespace LanSpread.Peer.Peers;

/// <summary>
/// The peers joined right now, as downloads and swarming see them: a lookup, nothing that joins or
/// removes. <see cref="PeerConnector"/> implements it; the download side depends on this alone.
/// </summary>
internal interface IConnectedPeers
{
    /// <summary>The joined peers at this moment (a copy).</summary>
    IReadOnlyCollection<PeerClient> Clients { get; }

    /// <summary>The joined peer with this id, or null when it is not (or no longer) joined.</summary>
    PeerClient? Find(Core.Model.PeerId id);
}
