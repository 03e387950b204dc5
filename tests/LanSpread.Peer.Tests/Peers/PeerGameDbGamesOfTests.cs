using LanSpread.Core.Model;
using LanSpread.Peer.Peers;
using Xunit;

namespace LanSpread.Peer.Tests.Peers;

/// <summary>PeerGameDB.GamesOf: what one peer offers, for the GUI's Peers view and game page.</summary>
public sealed class PeerGameDbGamesOfTests
{
    [Fact]
    public void GamesOf_lists_a_peers_games_sorted_and_is_empty_for_an_unknown_or_removed_peer()
    {
        var db = new PeerGameDB();
        var alpha = PeerId.FromCertificate([1]);
        db.Upsert(alpha, "alpha", "127.0.0.1:1");
        db.SetGames(alpha, [new GameSummary("cs16", "1.6", 10), new GameSummary("bfbc2", "2", 20)]);
        Assert.Equal(["bfbc2", "cs16"], db.GamesOf(alpha).Select(g => g.Id));
        Assert.Empty(db.GamesOf(PeerId.FromCertificate([2])));
        db.Remove(alpha, out _);
        Assert.Empty(db.GamesOf(alpha));
    }
}
