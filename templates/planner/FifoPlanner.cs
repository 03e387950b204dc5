using System.Composition;
using LanSpread.Core.Composition;
using LanSpread.Core.Model;
using LanSpread.Core.Planning;

namespace Company.Planner;

/// <summary>Hands out the chunks in file order, a few per peer at a time, so fast peers take more.</summary>
[ExportChunkPlanner("PLUGIN_NAME")]
[Shared]
public sealed class FifoPlanner : IChunkPlanner
{
    public IChunkPlan CreatePlan(ChunkPlanRequest request) => new Plan(request);

    // ChunkPlanBase keeps the books: pipes, failures, peers joining and leaving, partial peers, the streaming window.
    private sealed class Plan(ChunkPlanRequest request) : ChunkPlanBase(request)
    {
        // The candidates are the waiting chunks this peer holds, in file order.
        protected override int Choose(PeerId peer, IReadOnlyList<int> candidates) => candidates[0];
    }
}
