namespace LanSpread.Planner.Adaptive.Internal;

/// <summary>What the plan knows of one peer.</summary>
internal sealed class PeerState(HashSet<int>? holds)
{
    // Weight of one completed request in the rate estimate.
    private const double Alpha = 0.3;

    /// <summary>Chunk indexes it holds; null: all of them.</summary>
    public HashSet<int>? Holds { get; } = holds;

    /// <summary>Chunks it has in flight, and whether that request stalled (a stalled copy does not count as live).</summary>
    public Dictionary<int, bool> InFlight { get; } = [];

    /// <summary>Chunks it failed: offered to it again only when no other peer holds them.</summary>
    public HashSet<int> Failed { get; } = [];

    /// <summary>When each chunk in <see cref="InFlight"/> was handed to it (a Stopwatch timestamp; overwritten at each take).</summary>
    public Dictionary<int, long> Issued { get; } = [];

    /// <summary>Estimated throughput in bytes per second (0 until a request completed).</summary>
    public double Rate { get; private set; }

    /// <summary>
    /// Estimated throughput of one of its requests (0 until one completed). When the client, not the link, is the limit,
    /// every connection gets about the same share, so equal per-request rates mean equal peers whatever their pipe depth.
    /// </summary>
    public double RequestRate { get; private set; }

    /// <summary>It stalled and has not completed anything since.</summary>
    public bool Snubbed { get; set; }

    public bool Has(int index) => Holds is null || Holds.Contains(index);

    /// <summary>
    /// Folds one completed request into the rate. Its requests share the peer's link, so one request's own rate times
    /// the requests it shared with is a sample of the peer's rate.
    /// </summary>
    public void Learn(long bytes, TimeSpan elapsed, int sharing)
    {
        if (bytes <= 0 || elapsed <= TimeSpan.Zero)
        {
            return;
        }

        var request = bytes / elapsed.TotalSeconds;
        RequestRate = RequestRate <= 0 ? request : RequestRate + (Alpha * (request - RequestRate));
        var sample = request * Math.Max(1, sharing);
        Rate = Rate <= 0 ? sample : Rate + (Alpha * (sample - Rate));
    }
}
