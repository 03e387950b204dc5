using LanSpread.Core.Model;
using LanSpread.Core.Planning;
using Xunit;
using static LanSpread.Plugins.Tests.Planning.PlannerCatalog;

namespace LanSpread.Plugins.Tests.Planning;

/// <summary>
/// The books <see cref="ChunkPlanBase"/> keeps for a third party's planner (the template's base): pipes, chunks
/// given back, peers joining and leaving, partial peers, the streaming window, and a wrong choice refused.
/// </summary>
public sealed class ChunkPlanBaseTests
{
    [Fact]
    public void A_peer_takes_its_pipe_depth_in_file_order_and_a_completion_frees_a_slot()
    {
        var a = APeer(1);
        var plan = new FirstCandidate(new ChunkPlanRequest(Chunks(6), [a], 2));
        Assert.Equal([0, 1], Drain(plan, a).Select(c => c.Index));
        plan.ReportCompleted(a.PeerId, 0, 1 << 20, TimeSpan.FromMilliseconds(1));
        Assert.Equal([2], Drain(plan, a).Select(c => c.Index));
        Assert.Empty(Drain(plan, APeer(9))); // a peer the plan was never told of
    }

    [Fact]
    public void A_failed_chunk_and_a_leaving_peers_chunks_go_straight_back_to_the_others()
    {
        var a = APeer(1);
        var b = APeer(2);
        var plan = new FirstCandidate(new ChunkPlanRequest(Chunks(4), [a, b], 2));
        Assert.Equal([0, 1], Drain(plan, a).Select(c => c.Index));
        plan.ReportFailed(a.PeerId, 1, new IOException("broken"));
        Assert.Equal([1, 2], Drain(plan, b).Select(c => c.Index));

        plan.RemovePeer(a.PeerId);
        Assert.Empty(Drain(plan, a));
        plan.ReportCompleted(b.PeerId, 1, 1 << 20, TimeSpan.FromMilliseconds(1));
        plan.ReportCompleted(b.PeerId, 2, 1 << 20, TimeSpan.FromMilliseconds(1));
        Assert.Equal([0, 3], Drain(plan, b).Select(c => c.Index));
    }

    [Fact]
    public void A_partial_peer_gets_only_what_it_holds_and_what_it_gains_and_a_joining_peer_is_used_at_once()
    {
        var partial = APeer(1, holds: [2]);
        var plan = new FirstCandidate(new ChunkPlanRequest(Chunks(5), [partial], 4));
        Assert.Equal([2], Drain(plan, partial).Select(c => c.Index));
        plan.PeerGained(partial.PeerId, [4]);
        Assert.Equal([4], Drain(plan, partial).Select(c => c.Index));

        var late = APeer(2);
        Assert.Empty(Drain(plan, late));
        plan.AddPeer(late);
        Assert.Equal([0, 1, 3], Drain(plan, late).Select(c => c.Index));
    }

    [Fact]
    public void The_streaming_window_goes_first_then_the_rest()
    {
        var a = APeer(1);
        var plan = new FirstCandidate(new ChunkPlanRequest(Chunks(8), [a], 3));
        plan.Prioritize(5, 2);
        Assert.Equal([5, 6, 0], Drain(plan, a).Select(c => c.Index));
    }

    [Fact]
    public void A_choice_outside_the_candidates_is_refused_with_the_planners_name()
    {
        var a = APeer(1, holds: [0]);
        var plan = new FixedChoice(new ChunkPlanRequest(Chunks(3), [a], 2), choice: 1);
        var error = Assert.Throws<InvalidOperationException>(() => plan.TryTakeNext(a.PeerId, out _));
        Assert.Contains("FixedChoice", error.Message, StringComparison.Ordinal);
    }

    private sealed class FirstCandidate(ChunkPlanRequest request) : ChunkPlanBase(request)
    {
        protected override int Choose(PeerId peer, IReadOnlyList<int> candidates) => candidates[0];
    }

    private sealed class FixedChoice(ChunkPlanRequest request, int choice) : ChunkPlanBase(request)
    {
        protected override int Choose(PeerId peer, IReadOnlyList<int> candidates) => choice;
    }
}
