namespace LanSpread.Core.Planning;

/// <summary>
/// Decides which peer fetches which chunk. A plan is pulled, not pushed: each peer's worker asks the
/// plan for its next chunk and reports how it went, so a planner can learn per-peer throughput and
/// failures while the download runs (least-busy choice, stealing, end-game duplication).
/// </summary>
public interface IChunkPlanner
{
    /// <summary>The short name (<c>round-robin</c>). Defaults to the name in the export attribute, so a part states it once.</summary>
    string Name => Composition.ExportPluginAttribute.NameOf(this);

    /// <summary>Creates a plan over the given chunks and peers.</summary>
    /// <param name="request">The chunks to fetch and the peers that can serve them.</param>
    IChunkPlan CreatePlan(ChunkPlanRequest request);
}
