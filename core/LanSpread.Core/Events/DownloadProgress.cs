namespace LanSpread.Core.Events;

/// <summary>Throttled progress of a transfer (a few times a second).</summary>
/// <param name="Game">The game id.</param>
/// <param name="BytesDone">Bytes written so far.</param>
/// <param name="TotalBytes">Bytes to transfer.</param>
/// <param name="BytesPerSecond">Recent transfer rate.</param>
/// <param name="Peers">Peers known to hold chunks of the version being fetched and still connected, complete or partial (swarming).</param>
/// <param name="PartialPeers">Of those, the ones still downloading it themselves (they serve their verified chunks).</param>
/// <param name="BytesByPeer">Bytes each peer served so far in this download.</param>
public sealed record DownloadProgress(string Game, long BytesDone, long TotalBytes, double BytesPerSecond, int Peers = 0, int PartialPeers = 0, IReadOnlyList<Model.PeerBytes>? BytesByPeer = null) : PeerEvent
{
    /// <inheritdoc />
    [System.Text.Json.Serialization.JsonIgnore]
    public override bool IsLifecycle => false;
}
