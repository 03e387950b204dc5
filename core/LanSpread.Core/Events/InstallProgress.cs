namespace LanSpread.Core.Events;

/// <summary>Progress of an unpack into the staging directory.</summary>
/// <param name="Game">The game id.</param>
/// <param name="BytesDone">Bytes unpacked.</param>
/// <param name="TotalBytes">Bytes to unpack.</param>
public sealed record InstallProgress(string Game, long BytesDone, long TotalBytes) : PeerEvent
{
    /// <inheritdoc />
    [System.Text.Json.Serialization.JsonIgnore]
    public override bool IsLifecycle => false;
}
