namespace LanSpread.Core.Events;

/// <summary>The number of known peers changed (also the answer to GetPeerCount).</summary>
/// <param name="Count">Known peers.</param>
public sealed record PeerCountChanged(int Count) : PeerEvent
{
    /// <inheritdoc />
    [System.Text.Json.Serialization.JsonIgnore]
    public override bool IsLifecycle => false;
}
