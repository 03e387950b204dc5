using System.Diagnostics;
using System.Net;
using System.Text.Json;
using LanSpread.Core.Events;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Library;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Cli.Tests.Scale;

/// <summary>
/// A peer with 2,000 catalogued game roots (small ones: a RAR of one file and version.ini each):
/// first and second (indexed) scan times, the time another peer needs to hold all 2,000 offers, and a
/// real <c>lanspread list --remote</c> process that prints them all within 2 s of its start.
/// </summary>
[Collection(ScaleCollection.Name)]
public sealed class LargeLibraryTests(ITestOutputHelper output)
{
    private const int Titles = 2000;

    [ScaleFact(needsRoot: false)]
    public async Task Two_thousand_roots_scan_fast_from_the_index_and_reach_another_peer_within_two_seconds()
    {
        using var temp = new TempDir();
        var games = temp.Sub("seed-games");
        var ids = Enumerable.Range(0, Titles).Select(i => $"title{i:D4}").ToList();
        // One small real archive, written once and copied into every root (2,000 RAR writes would
        // dominate the test's time, not the library's).
        var archive = Path.Combine(temp.Path, "template.eti");
        GameFixture.WriteArchive(archive, new Dictionary<string, byte[]> { ["game.bin"] = GameFixture.Bytes(64, 1) });
        foreach (var id in ids)
        {
            var root = Directory.CreateDirectory(Path.Combine(games, id)).FullName;
            File.Copy(archive, Path.Combine(root, id + ".eti"));
            File.WriteAllText(Path.Combine(root, "version.ini"), "1\n");
        }

        var catalogFile = Path.Combine(temp.Path, "catalog.json");
        File.WriteAllText(catalogFile, JsonSerializer.Serialize(new
        {
            replace = false,
            games = ids.Select(id => new { id, name = $"Title {id[5..]}", description = "", genre = "", maxPlayers = 8 }),
        }));
        var catalog = GameCatalog.Load(catalogFile);

        // First scan builds the on-disk index; the second reads every root's entry back from it.
        var index = Path.Combine(temp.Sub("seed-data"), "library-index.json");
        var clock = Stopwatch.StartNew();
        var first = new LibraryScanner(catalog, new LibraryIndex(index, NullLogger<LibraryIndex>.Instance), NullLogger<LibraryScanner>.Instance).ScanAll(games);
        var firstScan = clock.Elapsed;
        var indexed = new LibraryScanner(catalog, new LibraryIndex(index, NullLogger<LibraryIndex>.Instance), NullLogger<LibraryScanner>.Instance);
        clock.Restart();
        var second = indexed.ScanAll(games);
        var secondScan = clock.Elapsed;
        output.WriteLine($"{Titles} roots: first scan {firstScan.TotalMilliseconds:0} ms, second (indexed) scan {secondScan.TotalMilliseconds:0} ms");
        Assert.Equal(Titles, first.Count(g => g.Game.InCatalog && g.Game.IsDownloaded));
        Assert.Equal(Titles, indexed.IndexHits);
        Assert.Equal(Titles, second.Count);
        Assert.True(secondScan <= TimeSpan.FromSeconds(0.5), $"the indexed scan of {Titles} roots took {secondScan.TotalMilliseconds:0} ms (bar 500 ms)");

        // Another peer learns all 2,000 offers: time from its start until its snapshot holds them.
        await using var seed = await StartPeerAsync("seed", games, temp.Sub("seed-data"), catalogFile, []);
        // The seed listens before its library is hashed; this measures the other peer, so start it against a hashed seed.
        await Poll.UntilAsync(() => seed.Runtime.Library.PendingHashes.Count == 0, TimeSpan.FromMinutes(2), "the seed's library hashed");
        clock.Restart();
        await using var other = await StartPeerAsync("other", temp.Sub("other-games"), temp.Sub("other-data"), catalogFile, [Local(seed)]);
        var otherLog = new EventLog(other.Runtime.Events);
        await otherLog.WaitAsync<LibrarySnapshot>(s => s.Games.Count(g => g.PeersWithLatest > 0) == Titles, TimeSpan.FromSeconds(10));
        var reach = clock.Elapsed;
        output.WriteLine($"another peer holds all {Titles} offers {reach.TotalMilliseconds:0} ms after it started");
        Assert.True(reach <= TimeSpan.FromSeconds(2), $"{reach.TotalMilliseconds:0} ms to list {Titles} remote titles (bar 2 s)");

        // And the real CLI: `list --remote` returns once the peer answered; all 2,000 titles within 2 s.
        clock.Restart();
        using var list = await CliProcess.RunAsync(["list", "--remote", "--timeout", "10", "--no-mdns", "--peer", Local(seed).ToString(), "--games", temp.Sub("lister-games"), "--data", temp.Sub("lister-data"), "--catalog", catalogFile], TimeSpan.FromSeconds(60));
        var listTime = clock.Elapsed;
        output.WriteLine($"lanspread list --remote of {Titles} titles: {listTime.TotalMilliseconds:0} ms (process start to exit)");
        Assert.True(list.ExitCode == 0, list.Stderr);
        var listed = JsonDocument.Parse(list.Stdout).RootElement.GetProperty("games").EnumerateArray()
            .Count(g => g.GetProperty("latestVersion").GetString() == "1");
        Assert.Equal(Titles, listed);
        Assert.True(listTime <= TimeSpan.FromSeconds(2), $"list --remote of {Titles} titles took {listTime.TotalMilliseconds:0} ms (bar 2 s)");
    }

    private static IPEndPoint Local(PeerHost host) => new(IPAddress.Loopback, host.Runtime.LocalEndPoint.Port);

    private static Task<PeerHost> StartPeerAsync(string name, string games, string data, string catalog, IReadOnlyList<IPEndPoint> peers) =>
        PeerHost.StartAsync(new PeerHostSettings
        {
            GameDirectory = games,
            DataDirectory = data,
            Name = name,
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            NoMdns = true,
            StaticPeers = peers,
            CatalogFile = catalog,
        }, NullLoggerFactory.Instance);
}
