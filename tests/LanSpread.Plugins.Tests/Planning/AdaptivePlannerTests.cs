using LanSpread.Core.Planning;
using Xunit;
using static LanSpread.Plugins.Tests.Planning.PlannerCatalog;

namespace LanSpread.Plugins.Tests.Planning;

/// <summary>The adaptive planner through the contract only, as the pipeline drives it.</summary>
public sealed class AdaptivePlannerTests(PlannerCatalog planners) : IClassFixture<PlannerCatalog>
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(10); // 1 MiB in 10 ms: ~100 MB/s
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(1); // 1 MiB in 1 s: ~1 MB/s

    private IChunkPlan Plan(IReadOnlyList<FileChunk> chunks, int requestsPerPeer, params PlannerPeer[] peers) =>
        planners["adaptive"].CreatePlan(new ChunkPlanRequest(chunks, peers, requestsPerPeer));

    [Fact]
    public void A_peer_takes_the_rarest_chunks_it_holds_first()
    {
        var all = APeer(1);
        var half = APeer(2, [0, 1, 2, 3, 4]);
        var plan = Plan(Chunks(10), 4, all, half);

        var taken = Drain(plan, all);
        Assert.Equal(2, taken.Count); // half the configured depth until it is measured
        Assert.All(taken, c => Assert.InRange(c.Index, 5, 9)); // only it holds 5..9
        Assert.All(Drain(plan, half), c => Assert.InRange(c.Index, 0, 4));
    }

    [Fact]
    public void Each_pipe_holds_requests_in_proportion_to_its_peers_rate()
    {
        var fast = APeer(1);
        var slow = APeer(2);
        var plan = Plan(Chunks(200), 4, fast, slow);
        var first = Drain(plan, fast, 1).Single();
        plan.ReportCompleted(fast.PeerId, first.Index, first.Chunk.Length, Fast);
        var second = Drain(plan, slow, 1).Single();
        plan.ReportCompleted(slow.PeerId, second.Index, second.Chunk.Length, Slow);

        var fastPipe = Drain(plan, fast).Count;
        var slowPipe = Drain(plan, slow).Count;
        Assert.True(fastPipe > 4 * slowPipe, $"fast peer {fastPipe} in flight, slow peer {slowPipe}");
        Assert.InRange(slowPipe, 1, 2);
    }

    [Fact]
    public void In_the_end_game_a_faster_peer_with_a_free_pipe_duplicates_what_a_slower_one_still_holds()
    {
        var fast = APeer(1);
        var slow = APeer(2);
        var plan = Plan(Chunks(4), 1, fast, slow);
        var a = Drain(plan, fast).Single();
        plan.ReportCompleted(fast.PeerId, a.Index, a.Chunk.Length, Fast);
        var onSlow = Drain(plan, slow).Single(); // it has not delivered anything yet

        var taken = Drain(plan, fast);
        Assert.Equal(3, taken.Count); // the two left, then (its pipe mostly free) a copy of the slow peer's
        Assert.False(taken[0].Duplicate || taken[1].Duplicate);
        Assert.Equal(onSlow.Index, taken[2].Index);
        Assert.True(taken[2].Duplicate);
        Assert.Empty(Drain(plan, slow));
        foreach (var chunk in taken)
        {
            plan.ReportCompleted(fast.PeerId, chunk.Index, chunk.Chunk.Length, Fast);
        }

        Assert.Empty(Drain(plan, fast));
        Assert.Empty(Drain(plan, slow)); // all four done: the slow copy was dropped with the win
    }

    [Fact]
    public void In_the_end_game_an_idle_peer_takes_over_a_chunk_queued_behind_others_on_an_equally_fast_peer()
    {
        var idle = APeer(1);
        var deep = APeer(2);
        var plan = Plan(Chunks(12), 8, idle, deep);
        var mine = Drain(plan, idle);
        var its = Drain(plan, deep);
        Assert.Equal(4, mine.Count); // half the depth each until measured
        var shared = 4 * Fast; // four requests sharing one link: each at a quarter of its rate
        foreach (var chunk in mine)
        {
            plan.ReportCompleted(idle.PeerId, chunk.Index, chunk.Chunk.Length, shared);
        }

        plan.ReportCompleted(deep.PeerId, its[0].Index, its[0].Chunk.Length, shared);
        var queued = Drain(plan, deep);
        Assert.Equal(4, queued.Count); // the rest of the wanted chunks, behind its three

        // Equal peer rates, so a rule comparing them never copies; a copy here arrives long before one queued there.
        var copies = Drain(plan, idle);
        Assert.NotEmpty(copies);
        Assert.All(copies, c => Assert.True(c.Duplicate));
        Assert.All(copies, c => Assert.Contains(c.Index, its.Skip(1).Concat(queued).Select(q => q.Index)));
    }

    [Fact]
    public void Near_the_end_a_much_slower_peer_takes_nothing_new_while_early_on_it_does()
    {
        var fast = APeer(1);
        var slow = APeer(2);
        var tenth = TimeSpan.FromMilliseconds(100); // 1 MiB in 100 ms: ~10 MB/s, a tenth of the fast peer
        var plan = Plan(Chunks(40), 1, fast, slow);
        var a = Drain(plan, fast).Single();
        plan.ReportCompleted(fast.PeerId, a.Index, a.Chunk.Length, Fast);
        var b = Drain(plan, slow).Single();
        plan.ReportCompleted(slow.PeerId, b.Index, b.Chunk.Length, tenth);
        var c = Drain(plan, slow, 1).Single(); // 38 left: worth its while
        plan.ReportCompleted(slow.PeerId, c.Index, c.Chunk.Length, tenth);

        foreach (var chunk in Drain(plan, fast))
        {
            plan.ReportCompleted(fast.PeerId, chunk.Index, chunk.Chunk.Length, Fast);
        }

        Assert.Equal(16, Drain(plan, fast).Count); // 5 left beyond the fast peer's full pipe
        Assert.Empty(Drain(plan, slow)); // the fast peer clears 5 before the slow one could deliver 1
    }

    [Fact]
    public void Near_the_end_a_much_slower_peer_still_takes_the_chunks_no_faster_peer_holds()
    {
        // A seeder with a capped upload and a fast partial peer (a swarm on a LAN, lanspread demo): the
        // chunks only the seeder holds must still come from it, however slow, or the download stalls on them.
        var seeder = APeer(1);
        var partial = APeer(2, [.. Enumerable.Range(0, 36)]);
        var tenth = TimeSpan.FromMilliseconds(100);
        var plan = Plan(Chunks(40), 1, seeder, partial);
        var a = Drain(plan, partial).Single();
        plan.ReportCompleted(partial.PeerId, a.Index, a.Chunk.Length, Fast);
        var b = Drain(plan, seeder).Single();
        Assert.InRange(b.Index, 36, 39); // rarest first: only the seeder holds 36..39
        plan.ReportCompleted(seeder.PeerId, b.Index, b.Chunk.Length, tenth);
        while (Drain(plan, partial) is { Count: > 0 } taken)
        {
            foreach (var chunk in taken)
            {
                plan.ReportCompleted(partial.PeerId, chunk.Index, chunk.Chunk.Length, Fast);
            }
        }

        var left = Drain(plan, seeder);
        Assert.NotEmpty(left);
        Assert.All(left, c => Assert.InRange(c.Index, 36, 39));
    }

    [Fact]
    public void A_stalled_chunk_goes_to_another_peer_and_the_stalled_peer_gets_nothing_until_it_completes_something()
    {
        var stalling = APeer(1);
        var other = APeer(2);
        var plan = Plan(Chunks(3), 1, stalling, other);
        plan.Prioritize(0, 3); // a known order
        Assert.Equal(0, Drain(plan, stalling).Single().Index);
        Assert.Equal(1, Drain(plan, other).Single().Index);

        plan.ReportStalled(stalling.PeerId, 0, 1000, TimeSpan.FromSeconds(3));
        Assert.Empty(Drain(plan, stalling)); // snubbed
        plan.ReportCompleted(other.PeerId, 1, 1 << 20, Fast);
        var copy = Drain(plan, other, 1).Single();
        Assert.Equal(0, copy.Index);
        Assert.True(copy.Duplicate); // beside the stalled copy, which keeps running

        // The stalled request arrives after all: the peer recovered and is asked again.
        plan.ReportCompleted(stalling.PeerId, 0, 1 << 20, TimeSpan.FromSeconds(4));
        Assert.Equal([2], Drain(plan, stalling).Select(c => c.Index));
    }

    [Fact]
    public void A_snubbed_seeder_is_still_asked_one_at_a_time_for_the_chunks_only_it_holds()
    {
        // A capped seeder beside a fast partial peer: its stalled copy of a chunk only it holds gives up. Snubbed or
        // not, it is that chunk's only source, so it must be asked again, or the download ends "held by no peer".
        var seeder = APeer(1);
        var partial = APeer(2, [0, 1]);
        var plan = Plan(Chunks(4), 2, seeder, partial);
        var first = Drain(plan, seeder, 1).Single();
        Assert.InRange(first.Index, 2, 3); // rarest first
        plan.ReportStalled(seeder.PeerId, first.Index, 1000, TimeSpan.FromSeconds(3));
        plan.ReportFailed(seeder.PeerId, first.Index, new TimeoutException("stall ceiling"));

        var again = Drain(plan, seeder);
        Assert.InRange(Assert.Single(again).Index, 2, 3); // one request at a time while snubbed
        Assert.All(Drain(plan, partial), c => Assert.InRange(c.Index, 0, 1));
    }

    [Fact]
    public void A_chunk_every_holder_failed_once_is_still_asked_of_them()
    {
        // Two partial peers (the seeder gone) both refused a chunk once, busy serving others: each must not wait for
        // the other to serve it, or the download ends "held by no peer still answering".
        var c1 = APeer(1, [0]);
        var c3 = APeer(3, [0]);
        var plan = Plan(Chunks(1), 4, c1, c3);
        Assert.Equal(0, Drain(plan, c1).Single().Index);
        plan.ReportFailed(c1.PeerId, 0, new IOException("busy"));
        Assert.Equal(0, Drain(plan, c3).Single().Index);
        plan.ReportFailed(c3.PeerId, 0, new IOException("busy"));
        Assert.Equal(0, Drain(plan, c1).Concat(Drain(plan, c3)).First().Index);
    }

    [Fact]
    public void A_failed_chunk_goes_to_another_holder_before_the_peer_that_failed_it()
    {
        var flaky = APeer(1);
        var other = APeer(2);
        var plan = Plan(Chunks(1), 4, flaky, other);
        var chunk = Drain(plan, flaky).Single();
        plan.ReportFailed(flaky.PeerId, chunk.Index, new IOException("stream broke"));
        Assert.Empty(Drain(plan, flaky));
        Assert.Equal(chunk.Index, Drain(plan, other).Single().Index);

        // With the other peer gone it is the only holder again, so it gets the chunk back.
        plan.RemovePeer(other.PeerId);
        Assert.Equal(chunk.Index, Drain(plan, flaky).Single().Index);
    }

    [Fact]
    public void The_streaming_window_goes_first_in_order()
    {
        var peer = APeer(1);
        var plan = Plan(Chunks(40), 16, peer);
        plan.Prioritize(20, 3);
        Assert.Equal([20, 21, 22], Drain(plan, peer, 3).Select(c => c.Index));
    }

    [Fact]
    public void Peers_that_join_or_gain_chunks_are_used_and_a_leaving_peers_chunks_go_back()
    {
        var first = APeer(1, [0]);
        var plan = Plan(Chunks(3), 4, first);
        Assert.Equal([0], Drain(plan, first).Select(c => c.Index));

        var late = APeer(2, []);
        plan.AddPeer(late);
        Assert.Empty(Drain(plan, late));
        plan.PeerGained(late.PeerId, [2]);
        Assert.Equal([2], Drain(plan, late).Select(c => c.Index));

        plan.RemovePeer(first.PeerId);
        plan.PeerGained(late.PeerId, [0]);
        Assert.Equal([0], Drain(plan, late).Select(c => c.Index));
        plan.AddPeer(APeer(3));
        Assert.Equal([1], Drain(plan, APeer(3)).Select(c => c.Index)); // nobody held 1 until now
    }
}
