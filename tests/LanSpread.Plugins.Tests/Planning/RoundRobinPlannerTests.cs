using LanSpread.Core.Planning;
using Xunit;
using static LanSpread.Plugins.Tests.Planning.PlannerCatalog;

namespace LanSpread.Plugins.Tests.Planning;

/// <summary>Round-robin on contract 2: its deal, its fixed pipe, and chunks given back going to the others.</summary>
public sealed class RoundRobinPlannerTests(PlannerCatalog planners) : IClassFixture<PlannerCatalog>
{
    [Fact]
    public void Chunks_are_dealt_in_turn_with_a_fixed_number_in_flight_per_peer()
    {
        var a = APeer(1);
        var b = APeer(2);
        var plan = planners["round-robin"].CreatePlan(new ChunkPlanRequest(Chunks(8), [a, b], 2));
        Assert.Equal([0, 2], Drain(plan, a).Select(c => c.Index));
        Assert.Equal([1, 3], Drain(plan, b).Select(c => c.Index));
        plan.ReportCompleted(a.PeerId, 0, 1 << 20, TimeSpan.FromMilliseconds(1));
        Assert.Equal([4], Drain(plan, a).Select(c => c.Index));
    }

    [Fact]
    public void Failed_stalled_and_orphaned_chunks_go_to_the_other_peers_without_a_round()
    {
        var a = APeer(1);
        var b = APeer(2);
        var plan = planners["round-robin"].CreatePlan(new ChunkPlanRequest(Chunks(6), [a, b], 1));
        var onA = Drain(plan, a).Single();
        var onB = Drain(plan, b).Single();
        plan.ReportFailed(a.PeerId, onA.Index, new IOException("broken"));
        plan.ReportCompleted(b.PeerId, onB.Index, 1 << 20, TimeSpan.FromMilliseconds(1));
        var retried = Drain(plan, b).Single();
        Assert.Equal(3, retried.Index); // its own queue first...
        plan.ReportCompleted(b.PeerId, retried.Index, 1 << 20, TimeSpan.FromMilliseconds(1));
        plan.RemovePeer(a.PeerId);

        // ...then what came back: the failed chunk and a's undealt share, all to b.
        var rest = new List<int>();
        while (plan.TryTakeNext(b.PeerId, out var chunk))
        {
            rest.Add(chunk.Index);
            plan.ReportCompleted(b.PeerId, chunk.Index, 1 << 20, TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal([0, 2, 4, 5], rest.Order());
    }
}
