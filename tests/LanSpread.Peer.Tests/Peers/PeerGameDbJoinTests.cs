using LanSpread.Core.Model;
using LanSpread.Peer.Peers;
using Xunit;

namespace LanSpread.Peer.Tests.Peers;

/// <summary>
/// PeerGameDB.Join: a joining peer is counted together with its game list, in one step under the lock.
/// A <c>list --remote</c> returns once every peer is counted; with the peer added first and its games
/// set in a second step, a listing taken in between printed the peer with no games.
/// </summary>
public sealed class PeerGameDbJoinTests
{
    [Fact]
    public void Join_adds_the_peer_with_its_games_and_hashing_and_says_what_changed()
    {
        var db = new PeerGameDB();
        var alpha = PeerId.FromCertificate([1]);

        Assert.True(db.Join(alpha, "alpha", "127.0.0.1:1", [new GameSummary("cs16", "1.6", 10)], ["bfbc2"], out var changed));
        Assert.True(changed);
        Assert.Equal(["cs16"], db.GamesOf(alpha).Select(g => g.Id));
        Assert.Equal("alpha", Assert.Single(db.PeersHashing("bfbc2")).Name);

        Assert.False(db.Join(alpha, "alpha2", "127.0.0.1:2", [new GameSummary("cs16", "1.6", 10)], [], out changed));
        Assert.False(changed);
        Assert.Equal("alpha2", db.NameOf(alpha));
        Assert.Empty(db.PeersHashing("bfbc2"));
    }
}
