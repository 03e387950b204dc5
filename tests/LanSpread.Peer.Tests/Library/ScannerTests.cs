using System.Diagnostics;
using LanSpread.Peer.Library;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Peer.Tests.Library;

public sealed class ScannerTests(ITestOutputHelper output)
{
    private static LibraryScanner Scanner(string? indexPath = null, GameCatalog? catalog = null) =>
        new(catalog ?? GameCatalog.LoadBundled(), new LibraryIndex(indexPath, NullLogger<LibraryIndex>.Instance), NullLogger<LibraryScanner>.Instance);

    [Fact]
    public void Downloaded_iff_the_sentinel_is_a_file_installed_iff_local_is_a_directory()
    {
        using var temp = new TempDir();
        Directory.CreateDirectory(Path.Combine(temp.Path, "cs16", "local"));
        File.WriteAllText(Path.Combine(temp.Path, "cs16", "version.ini"), "\uFEFF20240517\r\nignored second line");
        Directory.CreateDirectory(Path.Combine(temp.Path, "bfbc2", "version.ini")); // a directory is not a sentinel
        Directory.CreateDirectory(Path.Combine(temp.Path, "quake3"));
        File.WriteAllText(Path.Combine(temp.Path, "quake3", "local"), "a file named local is not an install");
        File.WriteAllText(Path.Combine(temp.Path, "quake3", "version.ini"), "");
        Directory.CreateDirectory(Path.Combine(temp.Path, "ut2004"));
        File.WriteAllText(Path.Combine(temp.Path, "ut2004", "version.ini"), new string('9', 100_000));

        var games = Scanner().ScanAll(temp.Path).ToDictionary(g => g.Game.Id, g => g.Game);
        Assert.True(games["cs16"].IsDownloaded);
        Assert.Equal("20240517", games["cs16"].Version);
        Assert.True(games["cs16"].IsInstalled);
        Assert.False(games["bfbc2"].IsDownloaded);
        Assert.Null(games["bfbc2"].Version);
        Assert.True(games["quake3"].IsDownloaded);
        Assert.Equal(string.Empty, games["quake3"].Version);
        Assert.False(games["quake3"].IsInstalled);
        Assert.Equal(64, games["ut2004"].Version!.Length); // a huge sentinel is read bounded
    }

    [Fact]
    public void The_file_list_skips_local_bookkeeping_and_symlinks_and_keeps_odd_names()
    {
        using var temp = new TempDir();
        var root = Path.Combine(temp.Path, "aoe2");
        Directory.CreateDirectory(Path.Combine(root, "local", "bin"));
        Directory.CreateDirectory(Path.Combine(root, ".local.installing"));
        Directory.CreateDirectory(Path.Combine(root, ".local.backup"));
        Directory.CreateDirectory(Path.Combine(root, "data files", "ünïcödé"));
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        File.WriteAllBytes(Path.Combine(root, "local", "bin", "game.exe"), new byte[10]);
        File.WriteAllBytes(Path.Combine(root, ".lanspread.json"), new byte[10]);
        File.WriteAllBytes(Path.Combine(root, ".version.ini.tmp"), new byte[10]);
        File.WriteAllBytes(Path.Combine(root, "data files", "ünïcödé", "map 1.dat"), new byte[1234]);
        File.WriteAllBytes(Path.Combine(root, "aoe2.eti"), new byte[777]);
        File.WriteAllText(Path.Combine(root, "version.ini"), "1");
        File.CreateSymbolicLink(Path.Combine(root, "broken-link"), "/nonexistent/target");
        File.CreateSymbolicLink(Path.Combine(root, "etc-link"), "/etc");

        var game = Scanner().ScanGame(temp.Path, "aoe2")!;
        var paths = game.Files.Select(f => f.RelativePath + (f.IsDirectory ? "/" : $":{f.Size}")).ToList();
        Assert.Equal(["aoe2.eti:777", "data files/", "data files/ünïcödé/", "data files/ünïcödé/map 1.dat:1234", "empty/", "version.ini:1"], paths);
        Assert.Equal(777 + 1234 + 1, game.Game.Size);
    }

    [Fact]
    public void Roots_outside_the_catalog_are_reported_not_announced()
    {
        using var temp = new TempDir();
        GameFixture.Create(temp.Path, "homebrew", "1", new Dictionary<string, byte[]> { ["a"] = [1] });
        GameFixture.Create(temp.Path, "bfbc2", "1", new Dictionary<string, byte[]> { ["a"] = [1] });
        var library = new LocalLibrary(temp.Path, Scanner(), NullLogger<LocalLibrary>.Instance);
        library.RescanAll();
        Assert.False(library.Find("homebrew")!.Game.InCatalog);
        Assert.Equal(["bfbc2"], library.Announced().Select(g => g.Id));
        Assert.True(File.Exists(Path.Combine(temp.Path, "homebrew", "version.ini"))); // never touched
    }

    [Fact]
    public void The_index_answers_unchanged_roots_and_notices_changes_deep_in_the_tree()
    {
        using var temp = new TempDir();
        var games = temp.Sub("games");
        GameFixture.Create(games, "cs16", "1", new Dictionary<string, byte[]> { ["a"] = [1] }, new Dictionary<string, byte[]> { ["maps/de_dust.bsp"] = [1, 2] });
        var index = Path.Combine(temp.Path, "index.json");
        Assert.Single(Scanner(index).ScanAll(games));

        var second = Scanner(index);
        second.ScanAll(games);
        Assert.Equal(1, second.IndexHits);

        File.WriteAllBytes(Path.Combine(games, "cs16", "maps", "de_aztec.bsp"), [3]);
        var third = Scanner(index);
        var scanned = third.ScanAll(games).Single();
        Assert.Equal(0, third.IndexHits);
        Assert.Contains(scanned.Files, f => f.RelativePath == "maps/de_aztec.bsp");
    }

    [Fact]
    public void A_corrupt_index_is_rebuilt_cleanly()
    {
        using var temp = new TempDir();
        var games = temp.Sub("games");
        GameFixture.Create(games, "cs16", "1", new Dictionary<string, byte[]> { ["a"] = [1] });
        var index = Path.Combine(temp.Path, "index.json");
        Scanner(index).ScanAll(games);
        File.WriteAllText(index, "{\"version\":1,\"games\":{\"cs16\":{\"stamp\":");
        var rebuilt = Scanner(index);
        var game = rebuilt.ScanAll(games).Single();
        Assert.Equal(0, rebuilt.IndexHits);
        Assert.Equal(["cs16.eti", "version.ini"], game.Files.Select(f => f.RelativePath));
        var again = Scanner(index);
        again.ScanAll(games);
        Assert.Equal(1, again.IndexHits); // and it was written back, valid
    }

    [Fact]
    public void A_thousand_roots_scan_and_the_index_makes_the_second_scan_cheaper()
    {
        using var temp = new TempDir();
        var games = temp.Sub("games");
        var catalog = GameCatalog.From(Enumerable.Range(0, 1000).Select(i => new Core.Model.CatalogEntry($"game{i:D4}", $"Game {i}", "", "", 4)));
        for (var i = 0; i < 1000; i++)
        {
            var root = Path.Combine(games, $"game{i:D4}");
            Directory.CreateDirectory(Path.Combine(root, "data", "maps"));
            File.WriteAllText(Path.Combine(root, "version.ini"), "1");
            for (var f = 0; f < 20; f++)
            {
                File.WriteAllBytes(Path.Combine(root, "data", "maps", $"m{f}.dat"), [(byte)f]);
            }
        }

        var index = Path.Combine(temp.Path, "index.json");
        var stopwatch = Stopwatch.StartNew();
        var first = Scanner(index, catalog).ScanAll(games);
        var firstTime = stopwatch.Elapsed;
        stopwatch.Restart();
        var secondScanner = Scanner(index, catalog);
        var second = secondScanner.ScanAll(games);
        var secondTime = stopwatch.Elapsed;
        output.WriteLine($"1000 roots x 22 entries: first scan {firstTime.TotalMilliseconds:0} ms, second (index) {secondTime.TotalMilliseconds:0} ms");
        Assert.Equal(1000, first.Count);
        Assert.Equal(1000, secondScanner.IndexHits);
        Assert.Equal(first.Select(g => g.Files.Count), second.Select(g => g.Files.Count));
    }

    [Fact]
    public void A_game_directory_that_is_missing_or_a_file_is_refused_with_the_fix()
    {
        using var temp = new TempDir();
        var missing = Assert.Throws<ArgumentException>(() => LocalLibrary.ValidateGameDirectory(Path.Combine(temp.Path, "nope"), false));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(temp.Path, "file"), "x");
        var file = Assert.Throws<ArgumentException>(() => LocalLibrary.ValidateGameDirectory(Path.Combine(temp.Path, "file"), false));
        Assert.Contains("is a file", file.Message, StringComparison.Ordinal);
    }
}
