namespace LanSpread.Core.Events;

/// <summary>Throttled progress of a transfer (a few times a second).</summary>
/// <param name="Game">The game id.</param>
/// <param name="BytesDone">Bytes written so far.</param>
/// <param name="TotalBytes">Bytes to transfer.</param>
/// <param name="BytesPerSecond">Recent transfer rate.</param>
public sealed record DownloadProgress(string Game, long BytesDone, long TotalBytes, double BytesPerSecond) : PeerEvent
{
    /// <inheritdoc />
    [System.Text.Json.Serialization.JsonIgnore]
    public override bool IsLifecycle => false;
}
