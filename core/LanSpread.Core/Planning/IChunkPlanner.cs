namespace LanSpread.Core.Planning;

/// <summary>
/// Decides which peer fetches which chunk. A plan is pulled, not pushed: the pipeline asks the plan for a peer's
/// next chunk whenever that peer could take one, and reports how each request went, so a planner can learn per-peer
/// throughput, keep fast pipes full, duplicate the last chunks in the end-game, and follow peers joining, leaving and
/// gaining chunks (contract 2; see <see cref="IChunkPlan"/>).
/// </summary>
public interface IChunkPlanner
{
    /// <summary>The short name (<c>round-robin</c>). Defaults to the name in the export attribute, so a part states it once.</summary>
    string Name => Composition.ExportPluginAttribute.NameOf(this);

    /// <summary>Creates a plan over the given chunks and peers.</summary>
    /// <param name="request">The chunks to fetch and the peers that can serve them.</param>
    IChunkPlan CreatePlan(ChunkPlanRequest request);
}
