using System.Composition;
using LanSpread.Core.Composition;
using LanSpread.Core.Planning;

namespace LanSpread.Planner.Adaptive;

/// <summary>
/// The default planner (DESIGN F.3): learns each peer's throughput as the download runs (an EWMA per peer), keeps
/// each peer's pipe full with requests in proportion to its rate, takes the rarest chunk a peer holds (random
/// tie-break), keeps a streaming-install window in order, and in the end-game gives the chunks still in flight on a
/// slower peer to an idle faster one (the pipeline cancels the losing copy). A stalled peer gets nothing new until
/// it completes something.
/// </summary>
[ExportChunkPlanner("adaptive", Priority = 20)]
[Shared]
public sealed class AdaptivePlanner : IChunkPlanner
{
    /// <inheritdoc />
    public IChunkPlan CreatePlan(ChunkPlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Internal.AdaptivePlan(request, Random.Shared);
    }
}
