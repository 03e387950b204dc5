using System.Diagnostics;
using LanSpread.Core.Events;
using LanSpread.Peer.Library;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Peer.Tests.Library;

/// <summary>
/// Real peers over TLS on loopback whose library is hashed in the background: a peer listens and
/// answers at once, offers a game only once its manifest is ready, a restart answers from the index,
/// and a stop during hashing is prompt and keeps what was hashed. Hashing is slowed with the
/// <c>TestHashBytesPerSecond</c> hook and, where a test needs it still running at a given moment, held by
/// the <c>TestHashGate</c> hook until the test releases it: a throttled window alone can be outrun on a
/// loaded machine.
/// </summary>
public sealed class BackgroundHashingTests
{
    private const string Game = "alienswarm";
    private const int FileSize = 2 * 1024 * 1024;

    /// <summary>A game of <paramref name="files"/> loose 2 MiB files beside a small archive; returns its root.</summary>
    private static string Seed(TestPeerSet set, string name, int files) =>
        GameFixture.Create(set.Temp.Sub($"{name}-games"), Game, "1", new Dictionary<string, byte[]> { ["a.bin"] = GameFixture.Bytes(1000, 1) },
            Enumerable.Range(0, files).ToDictionary(i => $"data/file{i}.bin", i => GameFixture.Bytes(FileSize, 10 + i)));

    private static Task<TestPeer> StartAsync(TestPeerSet set, string name, Action<LanSpread.Peer.Runtime.PeerRuntimeOptions>? configure = null, params TestPeer[] peers) =>
        TestPeer.StartAsync(set.Temp, name, peers, configure, set.Temp.Sub($"{name}-games"), data: set.Temp.Sub($"{name}-data"), waitForLibrary: false);

    /// <summary>A closed hash gate: hashing pauses after its next read until the file is deleted.</summary>
    private static string HoldHashing(TestPeerSet set)
    {
        var gate = Path.Combine(set.Temp.Path, "hash-gate");
        File.WriteAllBytes(gate, []);
        return gate;
    }

    /// <summary>The digest a scanner with no index computes over the root as it is now.</summary>
    private static string FreshDigest(string gamesDir) =>
        new LibraryScanner(GameCatalog.LoadBundled(), new LibraryIndex(null, NullLogger<LibraryIndex>.Instance), NullLogger<LibraryScanner>.Instance, ContentChunking.FromAverage(256 * 1024))
            .ScanGame(gamesDir, Game)!.Manifest!.Digest;

    [Fact]
    public async Task A_peer_answers_before_its_library_is_hashed_and_offers_the_game_once_it_is()
    {
        await using var set = new TestPeerSet();
        Seed(set, "seeder", files: 4);
        // Held until the client has the seeder's list, then 8 MiB at 2 MiB/s.
        var gate = HoldHashing(set);
        await using var seeder = await StartAsync(set, "seeder", o =>
        {
            o.TestHashBytesPerSecond = 2 * 1024 * 1024;
            o.TestHashGate = gate;
        });
        var revisionAtStart = seeder.Runtime.Library.Revision;
        Assert.Contains(Game, seeder.Runtime.Library.PendingHashes);
        Assert.Empty(seeder.Runtime.Library.Announced());
        Assert.True(seeder.Runtime.Library.Find(Game)!.HashPending);

        await using var client = await StartAsync(set, "client", null, seeder);
        await Poll.UntilAsync(() => client.Runtime.PeerGameDb.Peers().Count == 1, TimeSpan.FromSeconds(30), "the client has the seeder's game list");
        var stillHashing = seeder.Runtime.Library.PendingHashes.Contains(Game);
        Assert.Empty(client.Runtime.PeerGameDb.GamesOf(seeder.Runtime.PeerId));
        Assert.True(stillHashing, "the seeder finished hashing before the client had its list: the hash gate did not hold");

        File.Delete(gate);
        await client.WaitForOffersAsync(Game, 1, TimeSpan.FromSeconds(60));
        Assert.Empty(seeder.Runtime.Library.PendingHashes);
        Assert.True(seeder.Runtime.Library.Revision > revisionAtStart);
        var ready = await seeder.Log.WaitAsync<LibraryReady>(r => r.GamesHashed == 1);
        Assert.True(ready.BytesHashed >= 4L * FileSize);
        Assert.Contains(seeder.Log.OfType<ManifestProgress>(), p => p.Game == Game && p.BytesHashed == p.TotalBytes);
        Assert.Equal(FreshDigest(seeder.GamesDir), seeder.Runtime.Library.Find(Game)!.Manifest!.Digest);

        // The game is served now: a download from this peer completes and installs.
        Assert.IsType<DownloadGameFilesFinished>(await client.DownloadAsync(Game));
    }

    [Fact]
    public async Task A_second_start_answers_from_the_index_without_hashing_again()
    {
        await using var set = new TestPeerSet();
        Seed(set, "seeder", files: 2);
        var first = await StartAsync(set, "seeder");
        await Poll.UntilAsync(() => first.Runtime.Library.PendingHashes.Count == 0, TimeSpan.FromSeconds(60), "first start hashed");
        var digest = first.Runtime.Library.Find(Game)!.Manifest!.Digest;
        Assert.True(first.Runtime.Library.BytesHashed >= 2L * FileSize);
        await first.DisposeAsync();

        await using var second = await StartAsync(set, "seeder");
        // Offered as soon as start-up returns: the first scan found every file in the index.
        Assert.Equal(Game, Assert.Single(second.Runtime.Library.Announced()).Id);
        Assert.Equal(digest, second.Runtime.Library.Find(Game)!.Manifest!.Digest);
        Assert.Empty(second.Runtime.Library.PendingHashes);
        Assert.Equal(0, second.Runtime.Library.BytesHashed);
    }

    [Fact]
    public async Task A_stop_during_hashing_is_prompt_and_the_next_start_hashes_only_the_rest()
    {
        await using var set = new TestPeerSet();
        Seed(set, "seeder", files: 6);
        // One file at a time at 1 MiB/s: 12 MiB would take 12 s or more.
        var peer = await StartAsync(set, "seeder", o =>
        {
            o.TestHashBytesPerSecond = 1024 * 1024;
            o.HashParallelism = 1;
        });
        // Past the first file (files are hashed one by one): at least one is complete and in the index.
        await Poll.UntilAsync(() => peer.Runtime.Library.BytesHashed > FileSize + 1000, TimeSpan.FromSeconds(60), "the first file hashed");
        var stopwatch = Stopwatch.StartNew();
        await peer.DisposeAsync();
        stopwatch.Stop();
        // Generous for a loaded machine; without cancellation the stop waits for the remaining ~9 MiB at 1 MiB/s.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"stop took {stopwatch.Elapsed}");

        await using var again = await StartAsync(set, "seeder");
        Assert.Contains(Game, again.Runtime.Library.PendingHashes);
        await Poll.UntilAsync(() => again.Runtime.Library.PendingHashes.Count == 0, TimeSpan.FromSeconds(60), "second start hashed");
        var total = new DirectoryInfo(Path.Combine(again.GamesDir, Game)).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Assert.InRange(again.Runtime.Library.BytesHashed, 1, total - FileSize);
        // The index kept only whole, true files: the manifest equals one hashed from scratch.
        Assert.Equal(FreshDigest(again.GamesDir), again.Runtime.Library.Find(Game)!.Manifest!.Digest);
        Assert.Equal(Game, Assert.Single(again.Runtime.Library.Announced()).Id);
    }

    [Fact]
    public async Task A_rescan_while_a_game_is_hashed_does_not_hash_it_twice()
    {
        await using var set = new TestPeerSet();
        Seed(set, "seeder", files: 3);
        var gate = HoldHashing(set);
        await using var peer = await StartAsync(set, "seeder", o =>
        {
            o.TestHashBytesPerSecond = 3 * 1024 * 1024;
            o.TestHashGate = gate;
        });
        await Poll.UntilAsync(() => peer.Runtime.Library.BytesHashed > 0, TimeSpan.FromSeconds(60), "hashing started");

        // A deferred rescan (the monitor's) while the background pass is held at the gate, then a hashing
        // one (a download's) while the released pass still runs (6 MiB at 3 MiB/s).
        Assert.False(peer.Runtime.Library.RescanGame(Game, deferHashing: true));
        Assert.True(peer.Runtime.Library.Find(Game)!.HashPending);
        File.Delete(gate);
        peer.Runtime.Library.RescanGame(Game); // waits for the background pass, then finds every file in the index
        Assert.False(peer.Runtime.Library.Find(Game)!.HashPending);
        await Poll.UntilAsync(() => peer.Runtime.Library.PendingHashes.Count == 0, TimeSpan.FromSeconds(60), "hashed");

        var content = new DirectoryInfo(Path.Combine(peer.GamesDir, Game)).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Assert.Equal(content, peer.Runtime.Library.BytesHashed);
        Assert.Equal(FreshDigest(peer.GamesDir), peer.Runtime.Library.Find(Game)!.Manifest!.Digest);
    }
}
