using System.Text.Json;
using LanSpread.Core.Model;
using LanSpread.Peer.Protocol;
using LanSpread.Peer.Server;
using Xunit;

namespace LanSpread.Peer.Tests.Server;

/// <summary>ListGames for 5,000 titles: bounded pages that walk every title once, and deltas by revision.</summary>
public sealed class GameListHistoryTests
{
    private static readonly List<GameSummary> FiveThousand = Enumerable.Range(0, 5000).Select(i => new GameSummary($"title{i:D4}", "1", 1000 + i)).ToList();

    private static Request List(long since = 0, string? after = null, int limit = ProtocolConstants.ListPageSize) =>
        new(ProtocolConstants.Version, RequestType.ListGames, Since: since, After: after, Limit: limit);

    [Fact]
    public void Five_thousand_titles_come_in_bounded_pages_that_cover_each_title_once()
    {
        var history = new GameListHistory();
        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = history.Answer(10, () => FiveThousand, List(after: after, limit: 100_000));
            var bytes = JsonSerializer.SerializeToUtf8Bytes(page, ProtocolJsonContext.Default.Response).Length;
            Assert.InRange(page.Games!.Count, 1, GameListHistory.MaxPage);
            Assert.True(bytes < 128 * 1024, $"a page of {page.Games.Count} titles is {bytes} bytes");
            Assert.False(page.Delta);
            seen.AddRange(page.Games.Select(g => g.Id));
            after = page.Next;
            pages++;
        }
        while (after is not null);

        Assert.Equal(5, pages);
        Assert.Equal(FiveThousand.Select(g => g.Id), seen);
    }

    [Fact]
    public void A_client_holding_a_remembered_revision_gets_only_the_changes()
    {
        var history = new GameListHistory();
        history.Answer(10, () => FiveThousand, List());
        var changed = FiveThousand.Where(g => g.Id != "title0003").Select(g => g.Id == "title4000" ? g with { Version = "2" } : g)
            .Append(new GameSummary("zz-new", "1", 5)).ToList();

        var delta = history.Answer(11, () => changed, List(since: 10));
        Assert.True(delta.Delta);
        Assert.Equal(11, delta.Revision);
        Assert.Equal(["title4000", "zz-new"], delta.Games!.Select(g => g.Id));
        Assert.Equal("2", delta.Games![0].Version);
        Assert.Equal(["title0003"], delta.Removed);
        Assert.Null(delta.Next);

        // Nothing changed since the client's revision: an empty delta.
        var same = history.Answer(11, () => throw new InvalidOperationException("the list of a recorded revision is not rebuilt"), List(since: 11));
        Assert.True(same.Delta);
        Assert.Empty(same.Games!);
        Assert.Empty(same.Removed!);
    }

    [Fact]
    public void An_unknown_revision_or_a_client_that_does_not_page_gets_the_full_list()
    {
        var history = new GameListHistory();
        var full = history.Answer(10, () => FiveThousand, List(since: 3)); // 3 was never recorded (another life)
        Assert.False(full.Delta);
        Assert.Equal(GameListHistory.MaxPage, full.Games!.Count);
        Assert.NotNull(full.Next);

        var legacy = history.Answer(10, () => FiveThousand, new Request(ProtocolConstants.Version, RequestType.ListGames));
        Assert.Equal(5000, legacy.Games!.Count);
        Assert.Null(legacy.Next);
    }

    [Fact]
    public void Only_the_last_sixteen_revisions_are_remembered()
    {
        var history = new GameListHistory();
        for (var revision = 1; revision <= 17; revision++)
        {
            history.Answer(revision, () => FiveThousand.Take(revision).ToList(), List());
        }

        Assert.False(history.Answer(17, () => [], List(since: 1)).Delta);
        var delta = history.Answer(17, () => [], List(since: 2));
        Assert.True(delta.Delta);
        Assert.Equal(15, delta.Games!.Count);
    }
}
