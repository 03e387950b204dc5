using LanSpread.Core.Model;
using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;
using LanSpread.Peer.Protocol;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Peer.Tests.Security;

/// <summary>The one game-id rule and where it is enforced without a network: catalog files, the scanner, peer answers.</summary>
public sealed class GameIdTests
{
    [Theory]
    [InlineData("alienswarm")]
    [InlineData("cs16")]
    [InlineData("half-life_2.ep1")]
    [InlineData("a")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")] // 64
    public void Valid_ids(string id)
    {
        Assert.True(GameId.IsValid(id));
        Assert.Null(GameId.Problem(id));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("../x", "start with '.'")]
    [InlineData("/abs/x", "'/'")]
    [InlineData("a/b", "'/'")]
    [InlineData("a\\b", "'\\'")]
    [InlineData("..", "start with '.'")]
    [InlineData("a..b", "'..'")]
    [InlineData(".hidden", "start with '.'")]
    [InlineData("Cs16", "upper-case 'C'")]
    [InlineData("c:x", "':'")]
    [InlineData("a b", "' '")]
    [InlineData("a\u0000b", "control character U+0000")]
    [InlineData("ü", "'ü'")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234", "at most 64")] // 65
    public void Invalid_ids_are_refused_with_the_reason(string id, string reason)
    {
        Assert.False(GameId.IsValid(id));
        Assert.Contains(reason, GameId.Problem(id), StringComparison.Ordinal);
        var ex = Assert.Throws<ArgumentException>(() => GameId.Validate(id));
        Assert.DoesNotContain("\0", ex.Message, StringComparison.Ordinal); // printable in logs
    }

    [Fact]
    public void A_catalog_file_with_an_invalid_id_is_refused_naming_the_entry()
    {
        using var temp = new TempDir();
        var file = Path.Combine(temp.Path, "catalog.json");
        File.WriteAllText(file, """{"games":[{"id":"ok","name":"Ok"},{"id":"../evil","name":"Evil"}]}""");
        var ex = Assert.Throws<CatalogException>(() => GameCatalog.Load(file));
        Assert.Contains("games[1].id '../evil'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cannot start with '.'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_scanner_skips_folders_whose_names_break_the_rule()
    {
        using var temp = new TempDir();
        var games = temp.Sub("games");
        GameFixture.Create(games, "cs16", "1", new Dictionary<string, byte[]> { ["a"] = [1] });
        GameFixture.Create(games, "CS16", "1", new Dictionary<string, byte[]> { ["a"] = [1] });
        GameFixture.Create(games, "with space", "1", new Dictionary<string, byte[]> { ["a"] = [1] });
        var scanner = new LibraryScanner(GameCatalog.LoadBundled(), new LibraryIndex(Path.Combine(temp.Path, "index.json"), NullLogger<LibraryIndex>.Instance), NullLogger<LibraryScanner>.Instance);
        Assert.Equal(["cs16"], scanner.ScanAll(games).Select(g => g.Game.Id).ToArray());
    }

    [Fact]
    public void A_list_of_games_from_a_peer_keeps_only_valid_distinct_entries_and_says_why()
    {
        GameSummary?[] games =
        [
            new GameSummary("cs16", "1", 10),
            new GameSummary("../x", "1", 10),
            null,
            new GameSummary("cs16", "2", 10),
            new GameSummary("quake3", "", 10),
            new GameSummary("quake3", new string('9', 65), 10),
            new GameSummary("tf2", "1", -1),
            new GameSummary("tf2", "1\n2", 1),
            new GameSummary("l4d2", "2", 1),
        ];
        var valid = PeerAnnouncements.ValidGames(games, out var dropped);
        Assert.Equal(["cs16/1", "l4d2/2"], valid.Select(g => $"{g.Id}/{g.Version}").ToArray());
        Assert.Equal(7, dropped.Count);
        Assert.Contains(dropped, d => d.Contains("'../x'", StringComparison.Ordinal));
        Assert.Contains(dropped, d => d.Contains("listed twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Details_that_describe_another_game_or_leave_the_root_are_refused()
    {
        var file = new GameFileDescription("a.bin", 1, false);
        var honest = new GameDetails("cs16", "1", [file]);
        Assert.Same(honest, PeerAnnouncements.CheckDetails("cs16", honest));
        Assert.Contains("instead of", Assert.Throws<ProtocolException>(() => PeerAnnouncements.CheckDetails("cs16", new GameDetails("../x", "1", [file]))).Message, StringComparison.Ordinal);
        Assert.Contains("unsafe entry", Assert.Throws<ProtocolException>(() => PeerAnnouncements.CheckDetails("cs16", new GameDetails("cs16", "1", [new GameFileDescription("../../x", 1, false)]))).Message, StringComparison.Ordinal);
        Assert.Contains("unsafe entry", Assert.Throws<ProtocolException>(() => PeerAnnouncements.CheckDetails("cs16", new GameDetails("cs16", "1", [new GameFileDescription("/etc/passwd", 1, false)]))).Message, StringComparison.Ordinal);
        Assert.Contains("no version", Assert.Throws<ProtocolException>(() => PeerAnnouncements.CheckDetails("cs16", new GameDetails("cs16", " ", [file]))).Message, StringComparison.Ordinal);
        Assert.Contains("without details", Assert.Throws<ProtocolException>(() => PeerAnnouncements.CheckDetails("cs16", null)).Message, StringComparison.Ordinal);
    }
}
