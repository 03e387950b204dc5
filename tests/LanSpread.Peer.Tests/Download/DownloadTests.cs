using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Core.Model;
using LanSpread.Peer.Peers;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Peer.Tests.Download;

/// <summary>Real peers over Transport.Tls on loopback, downloading real games.</summary>
public sealed class DownloadTests
{
    private static Dictionary<string, byte[]> Content(int seed, int files = 5, int size = 700_000) =>
        Enumerable.Range(0, files).ToDictionary(i => $"data/file{i}.bin", i => GameFixture.Bytes(size + i * 1013, seed + i));

    /// <summary>
    /// A seeder's upload limit for tests that act while a download runs (cancel it, stop its seeder, look at
    /// the client mid-way): the 32 MB games below take 8 s or more at it, so the download cannot finish
    /// before the test acts, however the machine's load delays it. Those acting at the first chunk end early.
    /// </summary>
    private const long SlowSeederRate = 4L * 1024 * 1024;

    private static string Seed(TestPeerSet set, string name, string version, Dictionary<string, byte[]> content, Dictionary<string, byte[]>? extra = null) =>
        GameFixture.Create(set.Temp.Sub($"{name}-games"), "alienswarm", version, content, extra);

    [Fact]
    public async Task A_multi_file_game_from_one_peer_arrives_intact_and_installs()
    {
        await using var set = new TestPeerSet();
        var content = Content(1);
        var root = Seed(set, "alpha", "20240517", content, new() { ["readme.txt"] = [1, 2, 3], ["empty.dat"] = [] });
        Directory.CreateDirectory(Path.Combine(root, "mods", "none"));
        var alpha = await set.StartAsync("alpha");
        var client = await set.StartAsync("client", alpha);
        await client.WaitForOffersAsync("alienswarm", 1);

        var done = await client.DownloadAsync("alienswarm");
        var finished = Assert.IsType<DownloadGameFilesFinished>(done);
        var listed = client.Runtime.PeerGameDb.FilesOf(alpha.Runtime.PeerId, "alienswarm");
        Assert.Equal((await client.Log.WaitAsync<GotGameFiles>()).Files, listed!.Files); // the per-peer file list PeerGameDB keeps
        Assert.Equal("20240517", finished.Version);
        await client.Log.WaitAsync<InstallGameFinished>(e => e.Mode == InstallMode.Install);

        var clientRoot = Path.Combine(client.GamesDir, "alienswarm");
        Assert.Equal(GameFixture.Manifest(root), GameFixture.Manifest(clientRoot).Where(kv => !kv.Key.StartsWith("local/", StringComparison.Ordinal)).ToDictionary());
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(clientRoot, "local")));
        Assert.True(Directory.Exists(Path.Combine(clientRoot, "mods", "none")));
        Assert.Equal(0, new FileInfo(Path.Combine(clientRoot, "empty.dat")).Length);
        Assert.False(File.Exists(Path.Combine(clientRoot, ".version.ini.tmp")));
        Assert.False(File.Exists(Path.Combine(clientRoot, ".version.ini.discarded")));
        var progress = client.Log.OfType<DownloadProgress>();
        Assert.Equal(progress[^1].TotalBytes, progress[^1].BytesDone);
    }

    [Fact]
    public async Task Three_peers_each_serve_a_share_and_every_chunk_arrives_exactly_once()
    {
        await using var set = new TestPeerSet();
        var content = Content(2, files: 3, size: 3_000_000);
        var peers = new List<TestPeer>();
        foreach (var name in new[] { "alpha", "bravo", "charlie" })
        {
            Seed(set, name, "3", content);
            peers.Add(await set.StartAsync(name));
        }

        var client = await set.StartAsync("client", [.. peers]);
        await client.WaitForOffersAsync("alienswarm", 3);
        var finished = Assert.IsType<DownloadGameFilesFinished>(await client.DownloadAsync("alienswarm"));

        var chunks = client.Log.OfType<ChunkCompleted>();
        Assert.Equal(chunks.Count, chunks.Select(c => (c.File, c.Offset)).Distinct().Count());
        var archive = new FileInfo(Path.Combine(set.Temp.Path, "alpha-games", "alienswarm", "alienswarm.eti")).Length;
        Assert.Equal(chunks.Sum(c => c.Length), finished.BytesByPeer.Sum(p => p.Bytes));
        Assert.Equal(["alpha", "bravo", "charlie"], chunks.Select(c => c.Peer).Distinct().Order());
        Assert.All(finished.BytesByPeer, p => Assert.True(p.Bytes > 0));
        Assert.Equal(archive, chunks.Where(c => c.File == "alienswarm.eti").Sum(c => c.Length)); // every archive byte, once
        await client.Log.WaitAsync<InstallGameFinished>();
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(client.GamesDir, "alienswarm", "local")));
    }

    [Fact]
    public async Task A_peer_with_an_older_version_is_not_used()
    {
        await using var set = new TestPeerSet();
        Seed(set, "old", "20230101", Content(3));
        var newer = Content(4);
        Seed(set, "new", "20240517", newer);
        var old = await set.StartAsync("old");
        var current = await set.StartAsync("new");
        var client = await set.StartAsync("client", old, current);
        await client.WaitForOffersAsync("alienswarm", 1);
        while (client.Runtime.PeerGameDb.Count < 2)
        {
            await Task.Delay(50);
        }

        var begin = client.Log.WaitAsync<DownloadGameFilesBegin>();
        Assert.IsType<DownloadGameFilesFinished>(await client.DownloadAsync("alienswarm"));
        Assert.Equal(["new"], (await begin).Peers.Select(p => p.Name));
        Assert.All(client.Log.OfType<ChunkCompleted>(), c => Assert.Equal("new", c.Peer));
        Assert.Equal("20240517", File.ReadAllText(Path.Combine(client.GamesDir, "alienswarm", "version.ini")).Trim());
    }

    [Fact]
    public async Task A_peer_that_dies_mid_download_leaves_the_rest_to_the_others()
    {
        await using var set = new TestPeerSet();
        var content = Content(5, files: 4, size: 8_000_000);
        Seed(set, "alpha", "1", content);
        Seed(set, "bravo", "1", content);
        var alpha = await set.StartAsync("alpha");
        var bravo = await set.StartAsync("bravo");
        var client = await set.StartAsync("client", configure: o => o.ChunkSize = 64 * 1024, peers: [alpha, bravo]);
        await client.WaitForOffersAsync("alienswarm", 2);

        var killed = 0;
        client.Runtime.Events.Published += e =>
        {
            if (e is ChunkCompleted { Peer: "bravo" } && Interlocked.Exchange(ref killed, 1) == 0)
            {
                _ = Task.Run(() => set.StopAsync(bravo));
            }
        };
        var finished = Assert.IsType<DownloadGameFilesFinished>(await client.DownloadAsync("alienswarm", TimeSpan.FromSeconds(90)));
        Assert.Equal(1, killed);
        Assert.True(finished.BytesByPeer.Single(p => p.Peer == "alpha").Bytes > finished.BytesByPeer.Single(p => p.Peer == "bravo").Bytes);
        await client.Log.WaitAsync<InstallGameFinished>();
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(client.GamesDir, "alienswarm", "local")));
    }

    [Fact]
    public async Task When_every_peer_dies_the_download_fails_cleanly_and_the_old_install_survives()
    {
        await using var set = new TestPeerSet();
        var oldContent = new Dictionary<string, byte[]> { ["old.txt"] = [1, 2, 3] };
        var clientGames = set.Temp.Sub("client-games");
        var clientRoot = GameFixture.Create(clientGames, "alienswarm", "1", oldContent);
        var oldArchive = File.ReadAllBytes(Path.Combine(clientRoot, "alienswarm.eti"));
        Directory.CreateDirectory(Path.Combine(clientRoot, "local"));
        File.WriteAllBytes(Path.Combine(clientRoot, "local", "old.txt"), [1, 2, 3]);
        Seed(set, "alpha", "2", Content(6, files: 4, size: 8_000_000));
        var alpha = await set.StartAsync("alpha", o => o.MaxUploadRate = SlowSeederRate);
        var client = await set.StartAsync("client", configure: o => o.ChunkSize = 64 * 1024, games: clientGames, peers: [alpha]);
        await client.WaitForOffersAsync("alienswarm", 1);
        client.Runtime.Events.Published += e =>
        {
            if (e is ChunkCompleted)
            {
                _ = Task.Run(() => set.StopAsync(alpha));
            }
        };

        var failed = Assert.IsType<DownloadGameFilesFailed>(await client.DownloadAsync("alienswarm", TimeSpan.FromSeconds(90)));
        Assert.False(string.IsNullOrWhiteSpace(failed.Reason));
        Assert.Equal("1", File.ReadAllText(Path.Combine(clientRoot, "version.ini")).Trim()); // the update was staged: the root is still v1
        Assert.Equal(oldArchive, File.ReadAllBytes(Path.Combine(clientRoot, "alienswarm.eti")));
        Assert.False(File.Exists(Path.Combine(clientRoot, ".version.ini.tmp")));
        Assert.False(File.Exists(Path.Combine(clientRoot, ".version.ini.discarded")));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(clientRoot, "local", "old.txt")));
        await StreamingInstallAssert.RolledBackAsync(client, clientRoot);
    }

    [Fact]
    public async Task A_cancel_mid_way_stops_the_download_and_sweeps_the_sentinel_files()
    {
        await using var set = new TestPeerSet();
        Seed(set, "alpha", "1", Content(7, files: 4, size: 8_000_000));
        var alpha = await set.StartAsync("alpha", o => o.MaxUploadRate = SlowSeederRate);
        var client = await set.StartAsync("client", configure: o => o.ChunkSize = 32 * 1024, peers: [alpha]);
        await client.WaitForOffersAsync("alienswarm", 1);
        client.Runtime.Events.Published += e =>
        {
            if (e is ChunkCompleted)
            {
                _ = client.Runtime.SendAsync(new CancelDownload("alienswarm")).AsTask();
            }
        };

        var cancelled = Assert.IsType<DownloadGameFilesCancelled>(await client.DownloadAsync("alienswarm"));
        Assert.Contains("cancel", cancelled.Reason, StringComparison.OrdinalIgnoreCase);
        var root = Path.Combine(client.GamesDir, "alienswarm");
        Assert.False(File.Exists(Path.Combine(root, "version.ini")));
        Assert.False(File.Exists(Path.Combine(root, ".version.ini.tmp")));
        await StreamingInstallAssert.RolledBackAsync(client, root);

        await client.Runtime.SendAsync(new CancelDownload("alienswarm"));
        Assert.Contains("no download", (await client.Log.WaitAsync<CommandFailed>()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_game_being_downloaded_is_neither_announced_nor_served_by_the_downloading_peer()
    {
        await using var set = new TestPeerSet();
        var clientGames = set.Temp.Sub("client-games");
        GameFixture.Create(clientGames, "alienswarm", "1", new Dictionary<string, byte[]> { ["old"] = [1] });
        Seed(set, "alpha", "2", Content(13, files: 4, size: 8_000_000));
        var alpha = await set.StartAsync("alpha", o => o.MaxUploadRate = SlowSeederRate);
        var client = await set.StartAsync("client", configure: o => o.ChunkSize = 32 * 1024, games: clientGames, peers: [alpha]);
        await using (var before = await Server.RawClient.ConnectAsync(client, set.Temp))
        {
            var (listed, _) = await before.RequestAsync("""{"v":1,"type":"ListGames"}""");
            Assert.Single(listed!.Value.GetProperty("games").EnumerateArray());
        }

        await client.WaitForOffersAsync("alienswarm", 1);
        await client.BeginDownloadAsync("alienswarm");
        await using (var during = await Server.RawClient.ConnectAsync(client, set.Temp))
        {
            var (listed, _) = await during.RequestAsync("""{"v":1,"type":"ListGames"}""");
            Assert.Empty(listed!.Value.GetProperty("games").EnumerateArray());
            var (served, _) = await during.RequestAsync("""{"v":1,"type":"GetGame","game":"alienswarm"}""");
            Assert.Equal("unknown_game", served!.Value.GetProperty("code").GetString());
        }

        await client.Log.WaitAsync<DownloadGameFilesFinished>(timeout: TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_second_download_of_the_same_game_while_one_runs_is_refused()
    {
        await using var set = new TestPeerSet();
        Seed(set, "alpha", "1", Content(8, files: 4, size: 8_000_000));
        var alpha = await set.StartAsync("alpha", o => o.MaxUploadRate = SlowSeederRate);
        var client = await set.StartAsync("client", configure: o => o.ChunkSize = 32 * 1024, peers: [alpha]);
        await client.WaitForOffersAsync("alienswarm", 1);
        var files = await client.BeginDownloadAsync("alienswarm");
        await client.Runtime.SendAsync(new DownloadGameFiles("alienswarm", files.Files));
        var refused = await client.Log.WaitAsync<DownloadGameFilesFailed>();
        Assert.Contains("already running", refused.Reason, StringComparison.Ordinal);
        await client.Log.WaitAsync<DownloadGameFilesFinished>(timeout: TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Unknown_games_and_hostile_file_lists_are_refused()
    {
        await using var set = new TestPeerSet();
        Seed(set, "alpha", "1", Content(9, files: 1, size: 1000));
        var alpha = await set.StartAsync("alpha");
        var client = await set.StartAsync("client", alpha);
        await client.WaitForOffersAsync("alienswarm", 1);

        await client.Runtime.SendAsync(new GetGame("bfbc2"));
        await client.Log.WaitAsync<NoPeersHaveGame>(e => e.Game == "bfbc2");

        await client.Runtime.SendAsync(new DownloadGameFiles("alienswarm", [new GameFileDescription("../../escape.bin", 10, false)]));
        var refused = await client.Log.WaitAsync<DownloadGameFilesFailed>();
        Assert.Contains("leave the game root", refused.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(set.Temp.Path, "escape.bin")));
        Assert.False(File.Exists(Path.Combine(client.GamesDir, "escape.bin")));

        // A symlink in the client's own root must not carry a write outside it either.
        var outside = set.Temp.Sub("outside");
        Directory.CreateDirectory(Path.Combine(client.GamesDir, "alienswarm"));
        Directory.CreateSymbolicLink(Path.Combine(client.GamesDir, "alienswarm", "data"), outside);
        await client.Runtime.SendAsync(new DownloadGameFiles("alienswarm", [new GameFileDescription("data/file0.bin", 1000, false)]));
        await client.Log.WaitAsync<DownloadGameFilesFailed>(f => f.Reason.Contains("data/file0.bin", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public async Task Offsets_beyond_4_GiB_travel_and_land_at_the_right_place()
    {
        await using var set = new TestPeerSet();
        var root = Seed(set, "alpha", "1", Content(10, files: 1, size: 100));
        var big = Path.Combine(root, "huge.pak");
        const long size = (5L << 30) + 12345; // sparse: only the tail holds data
        var tail = GameFixture.Bytes(100_000, 11);
        using (var handle = File.OpenHandle(big, FileMode.CreateNew, FileAccess.Write))
        {
            RandomAccess.SetLength(handle, size);
            RandomAccess.Write(handle, tail, size - tail.Length);
        }

        var alpha = await set.StartAsync("alpha");
        var client = await set.StartAsync("client", alpha);
        await client.WaitForOffersAsync("alienswarm", 1);
        await client.Runtime.SendAsync(new GetGame("alienswarm"));
        var files = await client.Log.WaitAsync<GotGameFiles>();
        Assert.Equal(size, files.Files.Single(f => f.RelativePath == "huge.pak").Size);

        var manifest = client.Runtime.PeerGameDb.FilesOf(alpha.Runtime.PeerId, "alienswarm")!.Manifest!;
        var chunks = manifest.Files.Single(f => f.RelativePath == "huge.pak").Chunks;
        Assert.Equal(size, chunks[^1].Offset + chunks[^1].Length);
        Assert.Equal(size, chunks.Sum(c => c.Length));

        var target = Path.Combine(set.Temp.Path, "target.pak");
        using var output = File.OpenHandle(target, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite, FileOptions.Asynchronous);
        RandomAccess.SetLength(output, size);
        var peer = Assert.Single(client.Runtime.PeerGameDb.Peers());
        var connection = await client.Host.Transport.ConnectAsync(alpha.EndPoint, peer.PeerId, Identity.PeerIdentity.LoadOrCreate(set.Temp.Sub("raw")), default);
        await using var raw = new PeerClient(connection, "alpha");
        var offset = size - tail.Length;
        Assert.True(offset > uint.MaxValue);
        var written = await raw.FetchChunkAsync("alienswarm", "huge.pak", offset, tail.Length, output, new byte[65536], null, default);
        Assert.Equal(tail.Length, written);
        var back = new byte[tail.Length];
        RandomAccess.Read(output, back, offset);
        Assert.Equal(tail, back);
    }

    [RootFact]
    public async Task A_full_disk_fails_the_download_cleanly_and_keeps_the_previous_install()
    {
        await using var set = new TestPeerSet();
        var mount = set.Temp.Sub("small-disk");
        Shell.Run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount);
        try
        {
            var clientRoot = Path.Combine(mount, "alienswarm");
            Directory.CreateDirectory(Path.Combine(clientRoot, "local"));
            File.WriteAllBytes(Path.Combine(clientRoot, "local", "keep.txt"), [4, 2]);
            File.WriteAllText(Path.Combine(clientRoot, "version.ini"), "1");
            Seed(set, "alpha", "2", Content(12, files: 5, size: 8_000_000));
            var alpha = await set.StartAsync("alpha");
            var client = await set.StartAsync("client", games: mount, peers: [alpha]);
            await client.WaitForOffersAsync("alienswarm", 1);
            var failed = Assert.IsType<DownloadGameFilesFailed>(await client.DownloadAsync("alienswarm"));
            Assert.StartsWith("disk full", failed.Reason, StringComparison.Ordinal);
            Assert.Equal([4, 2], File.ReadAllBytes(Path.Combine(clientRoot, "local", "keep.txt")));
            Assert.Equal("1", File.ReadAllText(Path.Combine(clientRoot, "version.ini"))); // staged update: the held version stays
            Assert.False(File.Exists(Path.Combine(clientRoot, ".version.ini.tmp")));
            Assert.False(File.Exists(Path.Combine(clientRoot, ".version.ini.discarded")));
            await set.DisposeAsync();
        }
        finally
        {
            Shell.Run("umount", "-l", mount);
        }
    }

    [Fact]
    public async Task An_update_fetches_the_newer_version_and_replaces_the_installed_files()
    {
        await using var set = new TestPeerSet();
        var clientGames = set.Temp.Sub("client-games");
        var oldContent = new Dictionary<string, byte[]> { ["bin/game.exe"] = [1], ["obsolete.dat"] = [2] };
        GameFixture.Create(clientGames, "alienswarm", "1", oldContent);
        var newContent = new Dictionary<string, byte[]> { ["bin/game.exe"] = [3, 3], ["new.dat"] = [4] };
        Seed(set, "alpha", "2", newContent);
        var alpha = await set.StartAsync("alpha");
        var client = await set.StartAsync("client", games: clientGames, peers: [alpha]);
        await client.Runtime.SendAsync(new InstallGame("alienswarm"));
        await client.Log.WaitAsync<InstallGameFinished>(e => e.Mode == InstallMode.Install);
        await client.WaitForOffersAsync("alienswarm", 1);
        var snapshot = await client.Log.WaitAsync<LibrarySnapshot>(s => s.Games.Any(g => g.Id == "alienswarm" && g.UpdateAvailable));
        Assert.Equal("2", snapshot.Games.Single(g => g.Id == "alienswarm").LatestVersion);

        await client.Runtime.SendAsync(new FetchLatestFromPeers("alienswarm"));
        var files = await client.Log.WaitAsync<GotGameFiles>();
        await client.Runtime.SendAsync(new DownloadGameFiles("alienswarm", files.Files));
        await client.Log.WaitAsync<InstallGameFinished>(e => e.Mode == InstallMode.Update, TimeSpan.FromSeconds(60));
        var local = Path.Combine(clientGames, "alienswarm", "local");
        Assert.Equal(GameFixture.Manifest(newContent), GameFixture.Manifest(local));
        Assert.False(Directory.Exists(Path.Combine(clientGames, "alienswarm", ".local.backup")));
        Assert.Equal("2", File.ReadAllText(Path.Combine(clientGames, "alienswarm", "version.ini")).Trim());
    }
}
