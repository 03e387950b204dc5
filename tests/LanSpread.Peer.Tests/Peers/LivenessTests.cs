using System.Diagnostics;
using LanSpread.Core.Events;
using LanSpread.Peer.Protocol;
using LanSpread.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Peer.Tests.Peers;

/// <summary>
/// Liveness that does not cost a ping per pair every interval: an idle peer is pinged less and less
/// often, a peer that pings us is not pinged back, a peer whose connections close is pruned at once
/// (not after the back-off), and a revision carried by a ping makes the receiver re-list the sender.
/// A fake peer on the real TLS transport counts what the real runtime asks it.
/// </summary>
public sealed class LivenessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task An_idle_peer_is_pinged_less_and_less_often_and_stays_known()
    {
        await using var set = new TestPeerSet();
        await using var setup = await StartAsync(set, backoff: 8);
        var (subject, fake, _) = setup;

        var before = fake.Requests(RequestType.Ping);
        var window = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(5));
        var pings = fake.Requests(RequestType.Ping) - before;
        output.WriteLine($"{pings} pings in {window.Elapsed.TotalSeconds:0.0}s at a {Interval.TotalMilliseconds:0} ms interval (a ping every interval would be {window.Elapsed / Interval:0})");
        Assert.InRange(pings, 1, 8);
        Assert.Empty(subject.Log.OfType<PeerLost>());
        Assert.Equal(1, subject.Runtime.PeerGameDb.Count);
    }

    [Fact]
    public async Task A_peer_that_pings_us_is_not_pinged_back_and_its_revision_makes_us_relist_it()
    {
        await using var set = new TestPeerSet();
        await using var setup = await StartAsync(set, backoff: 8);
        var (subject, fake, _) = setup;
        await using var toSubject = await fake.ConnectAsync(subject.EndPoint);

        // The fake keeps the pair alive from its side, faster than the subject's shortest quiet time
        // (the first half second lets a ping the subject had already started land before counting).
        async Task KeepPingingAsync(TimeSpan duration)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                await fake.PingAsync(toSubject);
                await Task.Delay(Interval / 2);
            }
        }

        await KeepPingingAsync(TimeSpan.FromSeconds(0.5));
        var before = fake.Requests(RequestType.Ping);
        await KeepPingingAsync(TimeSpan.FromSeconds(3));
        // Pinging every interval would be 15; a loaded machine may stall the fake's loop once or twice.
        Assert.InRange(fake.Requests(RequestType.Ping) - before, 0, 2);

        // A ping carrying a new revision: the subject re-lists the fake without waiting for its own ping.
        var lists = fake.Requests(RequestType.ListGames);
        fake.Revision = 7;
        await fake.PingAsync(toSubject, revision: 7);
        var deadline = Stopwatch.StartNew();
        while (fake.Requests(RequestType.ListGames) == lists && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
        }

        Assert.True(fake.Requests(RequestType.ListGames) > lists, "the pushed revision did not make the subject re-list the fake");
        Assert.Empty(subject.Log.OfType<PeerLost>());
    }

    [Fact]
    public async Task A_peer_whose_connections_close_is_pruned_at_once_not_after_the_back_off()
    {
        await using var set = new TestPeerSet();
        await using var setup = await StartAsync(set, backoff: 50); // quiet time up to 10 s
        var (subject, fake, _) = setup;
        await Task.Delay(TimeSpan.FromSeconds(2)); // the back-off grows past a few intervals

        var stopped = Stopwatch.StartNew();
        await fake.DisposeAsync(); // listener and its connections closed, as when the process exits
        var lost = await subject.Log.WaitAsync<PeerLost>(timeout: TimeSpan.FromSeconds(8));
        output.WriteLine($"pruned {stopped.Elapsed.TotalSeconds:0.00}s after its connections closed (interval {Interval.TotalMilliseconds:0} ms, longest quiet time 10 s)");
        Assert.Contains("ping", lost.Reason, StringComparison.Ordinal);
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(4), $"pruning took {stopped.Elapsed}");
        Assert.Equal(0, subject.Runtime.PeerGameDb.Count);
    }

    private static async Task<Setup> StartAsync(TestPeerSet set, int backoff)
    {
        // The fake borrows the transport plugin instance of a throwaway host: the same TLS code.
        var donor = await TestPeer.StartAsync(set.Temp, "donor");
        var fake = await FakePeer.StartAsync(donor.Host.Transport, set.Temp);
        var subject = await TestPeer.StartAsync(set.Temp, "subject", extraPeers: [fake.EndPoint], configure: o =>
        {
            o.PingInterval = Interval;
            o.MaxPingBackoff = backoff;
        });
        await subject.Log.WaitAsync<PeerDiscovered>();
        return new Setup(subject, fake, donor);
    }

    private sealed record Setup(TestPeer Subject, FakePeer Fake, TestPeer Donor) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Subject.DisposeAsync();
            await Fake.DisposeAsync();
            await Donor.DisposeAsync();
        }
    }
}
