namespace LanSpread.Gui.Services;

/// <summary>One point of the throughput chart: the bytes per second each serving peer sent during one tick.</summary>
/// <param name="At">The end of the tick.</param>
/// <param name="ByPeer">Peer display name → bytes per second (peers that sent nothing are absent).</param>
public sealed record ThroughputSample(DateTimeOffset At, IReadOnlyDictionary<string, double> ByPeer)
{
    public double Total => ByPeer.Values.Sum();
}
