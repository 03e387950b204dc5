using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Core.Model;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Peer.Tests.Manifest;

/// <summary>
/// Real peers over Transport.Tls on loopback (TestPeer: 256 KiB average chunks): bad bytes are caught
/// and their sender banned, downloads resume, current games transfer nothing, updates fetch only what
/// changed, and nothing older replaces something newer unless asked.
/// </summary>
public sealed class VerifiedDownloadTests
{
    private const string Game = "alienswarm";

    private static Dictionary<string, byte[]> Content(int seed, int files = 8, int size = 2_000_000) =>
        Enumerable.Range(0, files).ToDictionary(i => $"data/file{i}.bin", i => GameFixture.Bytes(size + i * 1013, seed + i));

    private static string Seed(TestPeerSet set, string name, string version, Dictionary<string, byte[]> content) =>
        GameFixture.Create(set.Temp.Sub($"{name}-games"), Game, version, content);

    private static async Task<PeerEvent> GetAsync(TestPeer client, bool allowDowngrade = false)
    {
        await client.Runtime.SendAsync(new GetGame(Game));
        var files = await client.Log.WaitAsync<GotGameFiles>(e => e.Game == Game);
        var before = client.Log.All.Count;
        await client.Runtime.SendAsync(new DownloadGameFiles(Game, files.Files, allowDowngrade));
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var end = client.Log.All.Skip(before).FirstOrDefault(e => e is DownloadGameFilesFinished or DownloadGameFilesFailed or DownloadGameFilesCancelled or GameUpToDate);
            if (end is not null)
            {
                return end;
            }

            Assert.True(DateTime.UtcNow < deadline, "no terminal download event within 90 s");
            await Task.Delay(20);
        }
    }

    private static long FetchedBytes(TestPeer client, int fromEvent = 0) => client.Log.All.Skip(fromEvent).OfType<ChunkCompleted>().Sum(c => c.Length);

    /// <summary>
    /// The seeder's upload limit in the tests that stop a download part-way (at 45–50%): 16 MB at 4 MiB/s
    /// takes 4 s, so the stop cannot be outrun by the rest of the download (2 s) and the 15% margin the
    /// resume check allows is 0.6 s of transfer. Unlimited, a loopback download could finish, or run far
    /// past the margin, before a loaded machine ran the stop.
    /// </summary>
    private const long MidwayRate = 4L * 1024 * 1024;

    [Fact]
    public async Task A_seeder_with_corrupt_bytes_is_banned_and_the_download_equals_the_honest_bytes()
    {
        await using var set = new TestPeerSet();
        var content = Content(1);
        var honestRoot = Seed(set, "honest", "1", content);
        var badRoot = Seed(set, "bad", "1", content);
        var honest = await set.StartAsync("honest");
        var bad = await set.StartAsync("bad");
        GameFixture.CorruptKeepingStamp(Path.Combine(badRoot, Game + ".eti"));
        var client = await set.StartAsync("client", honest, bad);
        await client.WaitForOffersAsync(Game, 2);

        Assert.IsType<DownloadGameFilesFinished>(await GetAsync(client));
        var banned = Assert.Single(client.Log.OfType<PeerBanned>());
        Assert.Equal("bad", banned.Peer);
        Assert.Contains(client.Log.OfType<ChunkRejected>(), r => r.Peer == "bad");
        Assert.DoesNotContain(client.Log.OfType<ChunkCompleted>(), c => c.Peer == "bad");
        var clientRoot = Path.Combine(client.GamesDir, Game);
        Assert.Equal(File.ReadAllBytes(Path.Combine(honestRoot, Game + ".eti")), File.ReadAllBytes(Path.Combine(clientRoot, Game + ".eti")));
        await client.Log.WaitAsync<InstallGameFinished>();
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(clientRoot, "local")));
    }

    [Fact]
    public async Task With_only_a_corrupt_seeder_the_download_fails_naming_it_and_nothing_is_committed()
    {
        await using var set = new TestPeerSet();
        var badRoot = Seed(set, "bad", "1", Content(2));
        var bad = await set.StartAsync("bad");
        GameFixture.CorruptKeepingStamp(Path.Combine(badRoot, Game + ".eti"));
        var client = await set.StartAsync("client", bad);
        await client.WaitForOffersAsync(Game, 1);

        var failed = Assert.IsType<DownloadGameFilesFailed>(await GetAsync(client));
        Assert.Contains("bad", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("bad data", failed.Reason, StringComparison.Ordinal);
        var clientRoot = Path.Combine(client.GamesDir, Game);
        Assert.False(File.Exists(Path.Combine(clientRoot, "version.ini")));
        Assert.False(File.Exists(Path.Combine(clientRoot, Game + ".eti")));
        Assert.Empty(client.Log.OfType<ChunkCompleted>());
        await StreamingInstallAssert.RolledBackAsync(client, clientRoot);
    }

    [Fact]
    public async Task A_paused_download_resumes_with_only_the_missing_chunks_and_discard_deletes_them()
    {
        await using var set = new TestPeerSet();
        var content = Content(3, files: 8, size: 2_000_000);
        Seed(set, "alpha", "1", content);
        var alpha = await set.StartAsync("alpha", o => o.MaxUploadRate = MidwayRate);
        var client = await set.StartAsync("client", alpha);
        await client.WaitForOffersAsync(Game, 1);
        var total = new FileInfo(Path.Combine(set.Temp.Path, "alpha-games", Game, Game + ".eti")).Length;
        var paused = 0;
        client.Runtime.Events.Published += e =>
        {
            if (e is ChunkCompleted && FetchedBytes(client) >= total * 45 / 100 && Interlocked.Exchange(ref paused, 1) == 0)
            {
                _ = client.Runtime.SendAsync(new CancelDownload(Game)).AsTask();
            }
        };

        var cancelled = Assert.IsType<DownloadGameFilesCancelled>(await GetAsync(client));
        Assert.True(cancelled.KeptBytes > 0);
        var first = FetchedBytes(client);
        var mark = client.Log.All.Count;
        var resumed = await GetAsync(client);
        Assert.True(resumed is DownloadGameFilesFinished, $"the resumed download ended with {resumed}");
        var second = FetchedBytes(client, mark);
        Assert.True(second <= total * 60 / 100, $"the resumed download fetched {second} of {total} bytes (first run {first})");
        Assert.True(first + second >= total);
        await client.Log.WaitAsync<InstallGameFinished>();
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(client.GamesDir, Game, "local")));
        Assert.False(Directory.Exists(Path.Combine(client.GamesDir, Game, ".lanspread.partial")));
        Assert.False(File.Exists(Path.Combine(client.GamesDir, Game, ".lanspread.progress")));
    }

    [Fact]
    public async Task A_restarted_peer_resumes_and_discard_deletes_the_partial_data()
    {
        await using var set = new TestPeerSet();
        Seed(set, "alpha", "1", Content(4, files: 8, size: 2_000_000));
        var alpha = await set.StartAsync("alpha", o => o.MaxUploadRate = MidwayRate);
        var client = await set.StartAsync("client", alpha);
        await client.WaitForOffersAsync(Game, 1);
        var total = new FileInfo(Path.Combine(set.Temp.Path, "alpha-games", Game, Game + ".eti")).Length;
        var stopped = 0;
        client.Runtime.Events.Published += e =>
        {
            if (e is ChunkCompleted && FetchedBytes(client) >= total / 2 && Interlocked.Exchange(ref stopped, 1) == 0)
            {
                _ = Task.Run(() => set.StopAsync(client));
            }
        };

        await client.Runtime.SendAsync(new GetGame(Game));
        var files = await client.Log.WaitAsync<GotGameFiles>();
        await client.Runtime.SendAsync(new DownloadGameFiles(Game, files.Files));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!client.Log.OfType<DownloadGameFilesCancelled>().Any() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Contains("shutting down", Assert.Single(client.Log.OfType<DownloadGameFilesCancelled>()).Reason, StringComparison.Ordinal);
        var restarted = await set.StartAsync("client", alpha);
        await restarted.WaitForOffersAsync(Game, 1);
        var root = Path.Combine(restarted.GamesDir, Game);
        Assert.True(Directory.Exists(Path.Combine(root, ".lanspread.partial")));

        // Discard deletes what the first run kept; the old state (nothing) stays.
        await restarted.Runtime.SendAsync(new DiscardDownload(Game));
        Assert.True((await restarted.Log.WaitAsync<DownloadDiscarded>()).Bytes > 0);
        Assert.False(Directory.Exists(Path.Combine(root, ".lanspread.partial")));
        Assert.False(File.Exists(Path.Combine(root, ".lanspread.progress")));
    }

    [Fact]
    public async Task A_restarted_peer_fetches_only_the_missing_chunks()
    {
        await using var set = new TestPeerSet();
        Seed(set, "alpha", "1", Content(5, files: 8, size: 2_000_000));
        var alpha = await set.StartAsync("alpha", o => o.MaxUploadRate = MidwayRate);
        var client = await set.StartAsync("client", alpha);
        await client.WaitForOffersAsync(Game, 1);
        var total = new FileInfo(Path.Combine(set.Temp.Path, "alpha-games", Game, Game + ".eti")).Length;
        var stopped = 0;
        client.Runtime.Events.Published += e =>
        {
            if (e is ChunkCompleted && FetchedBytes(client) >= total * 45 / 100 && Interlocked.Exchange(ref stopped, 1) == 0)
            {
                _ = Task.Run(() => set.StopAsync(client));
            }
        };

        await client.Runtime.SendAsync(new GetGame(Game));
        var files = await client.Log.WaitAsync<GotGameFiles>();
        await client.Runtime.SendAsync(new DownloadGameFiles(Game, files.Files));
        await client.Log.WaitAsync<DownloadGameFilesCancelled>(timeout: TimeSpan.FromSeconds(30));
        var first = FetchedBytes(client);

        var restarted = await set.StartAsync("client", alpha);
        await restarted.WaitForOffersAsync(Game, 1);
        Assert.IsType<DownloadGameFilesFinished>(await GetAsync(restarted));
        var begin = restarted.Log.OfType<DownloadGameFilesBegin>().Single();
        var second = FetchedBytes(restarted);
        Assert.True(second <= total * 60 / 100, $"the restarted peer fetched {second} of {total} bytes (first run {first})");
        Assert.True(begin.ReusedBytes >= total * 40 / 100);
        await restarted.Log.WaitAsync<InstallGameFinished>();
    }

    [Fact]
    public async Task Getting_a_current_game_transfers_nothing()
    {
        await using var set = new TestPeerSet();
        var content = Content(6, files: 3);
        Seed(set, "alpha", "1", content);
        var alpha = await set.StartAsync("alpha");
        var client = await set.StartAsync("client", alpha);
        await client.WaitForOffersAsync(Game, 1);
        Assert.IsType<DownloadGameFilesFinished>(await GetAsync(client));
        await client.Log.WaitAsync<InstallGameFinished>();
        var mark = client.Log.All.Count;

        var current = Assert.IsType<GameUpToDate>(await GetAsync(client));
        Assert.Equal("1", current.Version);
        Assert.False(current.Installing);
        Assert.Equal(0, FetchedBytes(client, mark));
        Assert.Empty(client.Log.All.Skip(mark).OfType<DownloadGameFilesBegin>());
        Assert.Empty(client.Log.All.Skip(mark).OfType<InstallGameBegin>());
    }

    [Fact]
    public async Task An_update_where_one_file_in_the_middle_changed_fetches_little_more_than_the_change()
    {
        await using var set = new TestPeerSet();
        var v1 = Content(7, files: 10, size: 1_500_000);
        var v2 = new Dictionary<string, byte[]>(v1) { ["data/file5.bin"] = GameFixture.Bytes(2_000_000, 99) };
        GameFixture.Create(set.Temp.Sub("client-games"), Game, "1", v1);
        Seed(set, "alpha", "2", v2);
        var alpha = await set.StartAsync("alpha");
        var client = await set.StartAsync("client", alpha);
        await client.Runtime.SendAsync(new InstallGame(Game));
        await client.Log.WaitAsync<InstallGameFinished>();
        await client.WaitForOffersAsync(Game, 1);

        Assert.IsType<DownloadGameFilesFinished>(await GetAsync(client));
        var fetched = FetchedBytes(client);
        Assert.True(fetched <= 3 * 2_000_000, $"the update fetched {fetched} bytes for a 2,000,000-byte change");
        await client.Log.WaitAsync<InstallGameFinished>(e => e.Mode == InstallMode.Update);
        Assert.Equal(GameFixture.Manifest(v2), GameFixture.Manifest(Path.Combine(client.GamesDir, Game, "local")));
    }

    [Fact]
    public async Task An_older_version_never_replaces_a_newer_one_unless_asked()
    {
        await using var set = new TestPeerSet();
        GameFixture.Create(set.Temp.Sub("client-games"), Game, "3", Content(8, files: 2, size: 300_000));
        Seed(set, "alpha", "2", Content(9, files: 2, size: 300_000));
        var alpha = await set.StartAsync("alpha");
        var client = await set.StartAsync("client", alpha);
        await client.WaitForOffersAsync(Game, 1);

        var refused = Assert.IsType<DownloadGameFilesFailed>(await GetAsync(client));
        Assert.Contains("--allow-downgrade", refused.Reason, StringComparison.Ordinal);
        Assert.Equal("3", File.ReadAllText(Path.Combine(client.GamesDir, Game, "version.ini")).Trim());
        Assert.Empty(client.Log.OfType<ChunkCompleted>());

        Assert.IsType<DownloadGameFilesFinished>(await GetAsync(client, allowDowngrade: true));
        Assert.Equal("2", File.ReadAllText(Path.Combine(client.GamesDir, Game, "version.ini")).Trim());
    }

    [Fact]
    public async Task A_peer_announcing_a_version_its_version_ini_does_not_say_is_skipped_and_the_honest_version_downloads()
    {
        await using var set = new TestPeerSet();
        var content = Content(10, files: 2, size: 300_000);
        Seed(set, "liar", "1", content);
        Seed(set, "honest", "1", content);
        var liar = await set.StartAsync("liar", configure: o => o.LieAboutVersions = new() { [Game] = "2" });
        var honest = await set.StartAsync("honest");
        var client = await set.StartAsync("client", liar, honest);
        await client.WaitForOffersAsync(Game, 1);
        while (client.Runtime.PeerGameDb.Count < 2 || client.Runtime.PeerGameDb.LatestVersion(Game) != "2")
        {
            await Task.Delay(50);
        }

        var finished = Assert.IsType<DownloadGameFilesFinished>(await GetAsync(client));
        Assert.Equal("1", finished.Version);
        var skipped = Assert.Single(client.Log.OfType<PeerSkipped>());
        Assert.Equal("liar", skipped.Peer);
        Assert.Contains("version.ini says '1'", skipped.Reason, StringComparison.Ordinal);
        Assert.All(client.Log.OfType<ChunkCompleted>(), c => Assert.Equal("honest", c.Peer));
        Assert.Equal("1", client.Runtime.PeerGameDb.LatestVersion(Game));
    }
}
