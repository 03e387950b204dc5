using LanSpread.Core.Model;

namespace LanSpread.Core.Planning;

/// <summary>
/// A running plan, pulled by the pipeline. Thread-safe: the pipeline calls it from many requests at once.
/// </summary>
/// <remarks>
/// <para>
/// The pipeline asks <see cref="TryTakeNext"/> for a peer whenever that peer could take another request (after
/// each report, each peer change, and on a short tick), and issues whatever it gets, so a plan keeps a pipe short
/// by answering false. Every chunk a plan hands out ends in exactly one of: <see cref="ReportCompleted"/>,
/// <see cref="ReportFailed"/>, <see cref="RemovePeer"/> (the peer's requests end with it), or another copy's
/// completion (the pipeline cancels the losers and does not report them: a plan forgets every copy of a chunk on
/// its completion). <see cref="ReportStalled"/> is not an end: the slow request keeps running.
/// </para>
/// <para>
/// <see cref="ReportStalled"/>, <see cref="AddPeer"/>, <see cref="PeerGained"/> and <see cref="Prioritize"/> have
/// do-nothing defaults, so a simple plan implements only taking and the three ends.
/// </para>
/// <para>
/// There are no rounds: a failed or stalled chunk goes back to the plan's own pool at once, for whichever peer asks
/// next. The download is done when every chunk has completed once; a chunk a plan never hands out (no peer holds it)
/// keeps the download waiting for peers that do.
/// </para>
/// </remarks>
public interface IChunkPlan
{
    /// <summary>
    /// Takes the next chunk <paramref name="peer"/> should fetch; false when it should take nothing more now (its pipe
    /// is full for its rate, it holds nothing still needed, it is snubbed, or all is done). May hand out a chunk already in
    /// flight on another peer (<see cref="PlannedChunk.Duplicate"/>), never one the same peer already has in flight.
    /// </summary>
    /// <param name="peer">The asking peer.</param>
    /// <param name="chunk">The chunk to fetch.</param>
    bool TryTakeNext(PeerId peer, out PlannedChunk chunk);

    /// <summary>Feedback: a chunk arrived and verified. It is done; any other copy in flight is cancelled by the pipeline.</summary>
    /// <param name="peer">The serving peer.</param>
    /// <param name="index">The chunk's index.</param>
    /// <param name="bytes">Bytes received.</param>
    /// <param name="elapsed">Time from request to last byte written.</param>
    void ReportCompleted(PeerId peer, int index, long bytes, TimeSpan elapsed);

    /// <summary>Feedback: a request failed (an error, bad data, or the stall ceiling). The chunk is needed again.</summary>
    /// <param name="peer">The peer.</param>
    /// <param name="index">The chunk's index.</param>
    /// <param name="error">What went wrong.</param>
    void ReportFailed(PeerId peer, int index, Exception error);

    /// <summary>
    /// Feedback: a request is far behind the peer's own observed rate. It keeps running (it may still win), but the
    /// chunk should go to another peer too, and the peer is snubbed until it completes something.
    /// </summary>
    /// <param name="peer">The slow peer.</param>
    /// <param name="index">The chunk's index.</param>
    /// <param name="bytesSoFar">Bytes received so far on this request.</param>
    /// <param name="elapsed">Time since the request was sent.</param>
    void ReportStalled(PeerId peer, int index, long bytesSoFar, TimeSpan elapsed)
    {
        // Optional: a plan that ignores stalls still works; the stalled request runs until it ends.
    }

    /// <summary>A peer joined (or came back) during the download: use it from now on.</summary>
    /// <param name="peer">The peer and what it holds.</param>
    void AddPeer(PlannerPeer peer)
    {
        // Optional: a plan that ignores it keeps to the peers it started with.
    }

    /// <summary>A partial peer now holds more chunks.</summary>
    /// <param name="peer">The peer.</param>
    /// <param name="indexes">Indexes of the chunks it gained.</param>
    void PeerGained(PeerId peer, IReadOnlyCollection<int> indexes)
    {
        // Optional: only plans that follow partial peers need it.
    }

    /// <summary>A peer left or failed: offer it nothing more; its requests in flight end (the pipeline cancels them) and their chunks are needed again.</summary>
    /// <param name="peer">The peer.</param>
    void RemovePeer(PeerId peer);

    /// <summary>
    /// A hint (streaming install): hand out the chunks in this window first, in order, before anything else. A later
    /// call replaces the window. A plan may ignore it.
    /// </summary>
    /// <param name="fromIndex">The first chunk index of the window.</param>
    /// <param name="count">How many chunks it spans.</param>
    void Prioritize(int fromIndex, int count)
    {
        // Optional: a hint.
    }
}
