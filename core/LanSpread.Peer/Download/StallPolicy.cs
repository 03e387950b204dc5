namespace LanSpread.Peer.Download;

/// <summary>
/// When a request counts as stalled, from its peer's own observed rate instead of a fixed timeout.
/// </summary>
/// <remarks>
/// A peer is <b>stalled</b> when nothing at all arrived from it for <see cref="StallAfter"/> while it had requests in
/// flight (then each of them is), and a single request when none of its bytes arrived for
/// <see cref="RequestStallFactor"/> times that while its peer sends others. <see cref="StallAfter"/> is eight times the time
/// the peer, at the rate it showed while sending, needs for one 64 KiB read of each of its requests in flight,
/// never less than <see cref="Floor"/> (2 s: tc-shaped links, GC pauses and a loaded machine make sub-second gaps
/// normal) and never more than <see cref="Ceiling"/> (10 s, also the value before the peer has sent anything). A
/// stalled request keeps running while its chunk goes to another peer too, and the peer gets no new work until it
/// completes something. A request that got nothing for <see cref="GiveUpAfter"/> (30 s) is cancelled as failed.
/// </remarks>
internal static class StallPolicy
{
    public static readonly TimeSpan Floor = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    /// <summary>How much longer a request may be silent while its peer sends others (a busy machine reorders work).</summary>
    public const double RequestStallFactor = 4;

    private const double ReadBytes = 64 * 1024;
    private const double Factor = 8;

    /// <summary>How long a request of a peer sending at <paramref name="bytesPerSecond"/> (0: not measured yet) with <paramref name="inFlight"/> requests may go without a byte.</summary>
    public static TimeSpan StallAfter(double bytesPerSecond, int inFlight)
    {
        if (bytesPerSecond <= 0)
        {
            return Ceiling;
        }

        var seconds = Factor * ReadBytes * Math.Max(1, inFlight) / bytesPerSecond;
        return TimeSpan.FromSeconds(Math.Clamp(seconds, Floor.TotalSeconds, Ceiling.TotalSeconds));
    }
}
