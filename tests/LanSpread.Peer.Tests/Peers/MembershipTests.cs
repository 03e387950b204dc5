using System.Net;
using System.Net.Sockets;
using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Peer.Discovery;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Peer.Tests.Peers;

/// <summary>Membership through the static-peer path: join, count, snapshot merge, ping pruning, garbage ports.</summary>
public sealed class MembershipTests
{
    [Fact]
    public async Task A_port_that_answers_garbage_is_not_a_peer_and_real_peers_are_still_joined()
    {
        using var garbage = new TcpListener(IPAddress.Loopback, 0);
        garbage.Start();
        using var stop = new CancellationTokenSource();
        var accepted = 0;
        var serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await garbage.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref accepted);
                try
                {
                    await client.GetStream().WriteAsync(GameFixture.Bytes(4096, 1), stop.Token);
                }
                catch (IOException)
                {
                    // The peer hung up on the garbage first: that is the point.
                }
            }
        });
        await using var set = new TestPeerSet();
        var alpha = await set.StartAsync("alpha");
        await using var both = await TestPeer.StartAsync(set.Temp, "both", [alpha], extraPeers: [(IPEndPoint)garbage.LocalEndpoint]);
        var joined = await both.Log.WaitAsync<PeerDiscovered>();
        Assert.Equal("alpha", joined.Peer);
        // The garbage port was tried again after its first answer (static peers are retried each ping
        // interval): by then it would have joined if it were going to.
        await Poll.UntilAsync(() => Volatile.Read(ref accepted) >= 2, TimeSpan.FromSeconds(15), "a second attempt on the garbage port");
        Assert.Single(both.Log.OfType<PeerDiscovered>());
        Assert.Equal(1, both.Runtime.PeerGameDb.Count);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => serving);
    }

    [Fact]
    public async Task The_snapshot_merges_local_only_titles_with_what_peers_offer()
    {
        await using var set = new TestPeerSet();
        GameFixture.Create(set.Temp.Sub("alpha-games"), "bfbc2", "2", new Dictionary<string, byte[]> { ["a"] = [1] });
        var clientGames = set.Temp.Sub("client-games");
        GameFixture.Create(clientGames, "cs16", "1", new Dictionary<string, byte[]> { ["b"] = [2] });
        GameFixture.Create(clientGames, "bfbc2", "1", new Dictionary<string, byte[]> { ["c"] = [3] });
        var alpha = await set.StartAsync("alpha");
        var client = await set.StartAsync("client", games: clientGames, peers: [alpha]);
        await client.WaitForOffersAsync("bfbc2", 1);
        await client.Runtime.SendAsync(new ListGames());
        var snapshot = await client.Log.WaitAsync<LibrarySnapshot>(s => s.Games.Any(g => g.Id == "bfbc2" && g.LatestVersion == "2"));
        var cs16 = snapshot.Games.Single(g => g.Id == "cs16");
        Assert.True(cs16.IsDownloaded);
        Assert.Equal(0, cs16.PeersWithLatest); // only this peer has it: listed all the same
        var bfbc2 = snapshot.Games.Single(g => g.Id == "bfbc2");
        Assert.True(bfbc2.UpdateAvailable);
        Assert.Equal(1, bfbc2.PeersWithLatest);
        await client.Runtime.SendAsync(new GetPeerCount());
        Assert.Equal(1, (await client.Log.WaitAsync<PeerCountChanged>(c => c.Count == 1)).Count);
    }

    [Fact]
    public async Task A_peer_that_stops_answering_is_pruned_and_seen_again_when_it_returns()
    {
        await using var set = new TestPeerSet();
        var alpha = await set.StartAsync("alpha");
        var port = alpha.EndPoint.Port;
        var alphaData = alpha.DataDir;
        var client = await set.StartAsync("client", alpha);
        await client.Log.WaitAsync<PeerDiscovered>();
        await set.StopAsync(alpha);
        var lost = await client.Log.WaitAsync<PeerLost>(timeout: TimeSpan.FromSeconds(10));
        Assert.Contains("ping", lost.Reason, StringComparison.Ordinal);
        Assert.Equal(0, client.Runtime.PeerGameDb.Count);

        // The same identity on the same port comes back: the static discovery re-reports it.
        await using var again = await TestPeer.StartAsync(set.Temp, "alpha-again", port: port, data: alphaData);
        Assert.Equal(lost.PeerId, again.Runtime.PeerId);
        await client.Log.WaitAsync<PeerDiscovered>(_ => client.Log.OfType<PeerDiscovered>().Count >= 2, TimeSpan.FromSeconds(15));
        Assert.Equal(1, client.Runtime.PeerGameDb.Count);
    }

    [Fact]
    public void Static_peer_addresses_are_parsed_or_refused_with_the_fix()
    {
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 4000), StaticPeerDiscovery.Parse("127.0.0.1:4000", 1));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 42420), StaticPeerDiscovery.Parse("127.0.0.1", 42420));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 5), StaticPeerDiscovery.Parse("[::1]:5", 1));
        Assert.Equal(4001, StaticPeerDiscovery.Parse("localhost:4001", 1).Port);
        Assert.Contains("1 to 65535", Assert.Throws<FormatException>(() => StaticPeerDiscovery.Parse("localhost:99999", 1)).Message, StringComparison.Ordinal);
    }
}
