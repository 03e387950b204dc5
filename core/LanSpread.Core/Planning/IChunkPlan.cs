using LanSpread.Core.Model;

namespace LanSpread.Core.Planning;

/// <summary>
/// A running plan. Thread-safe: every peer's worker calls it concurrently. The pipeline retries failed
/// chunks in later rounds itself (bounded), so a plan need not re-queue them.
/// </summary>
public interface IChunkPlan
{
    /// <summary>Takes the next chunk <paramref name="peer"/> should fetch; false when it has nothing more.</summary>
    /// <param name="peer">The asking peer.</param>
    /// <param name="chunk">The chunk to fetch.</param>
    bool TryTakeNext(PeerId peer, out FileChunk chunk);

    /// <summary>Feedback: a chunk arrived.</summary>
    /// <param name="peer">The serving peer.</param>
    /// <param name="chunk">The chunk.</param>
    /// <param name="elapsed">Time from request to last byte written.</param>
    void ReportCompleted(PeerId peer, FileChunk chunk, TimeSpan elapsed);

    /// <summary>Feedback: a chunk failed on a peer.</summary>
    /// <param name="peer">The peer.</param>
    /// <param name="chunk">The chunk.</param>
    /// <param name="error">What went wrong.</param>
    void ReportFailed(PeerId peer, FileChunk chunk, Exception error);

    /// <summary>
    /// A peer left; returns the chunks planned for it that it never took, so the pipeline can hand them
    /// to the others.
    /// </summary>
    /// <param name="peer">The peer that left.</param>
    IReadOnlyList<FileChunk> RemovePeer(PeerId peer);
}
