using System.Composition;
using LanSpread.Core.Composition;
using LanSpread.Core.Planning;

namespace LanSpread.Planner.RoundRobin;

/// <summary>
/// Deals the chunks of all files across the peers in turn, like the original. Blind to speed and
/// failures by design; the pull-based <see cref="IChunkPlan"/> leaves room for planners that are not.
/// </summary>
[ExportChunkPlanner("round-robin", Priority = 10)]
[Shared]
public sealed class RoundRobinPlanner : IChunkPlanner
{
    /// <inheritdoc />
    public IChunkPlan CreatePlan(ChunkPlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Internal.RoundRobinPlan(request);
    }
}
