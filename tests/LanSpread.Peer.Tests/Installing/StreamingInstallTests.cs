using LanSpread.Core.Composition;
using LanSpread.Core.Model;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Download;
using LanSpread.Peer.FileSystem;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Installing;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Peer.Tests.Installing;

/// <summary>
/// Streaming install (issue 22) in-process: the RAR plugin reads real archives through the verified-range
/// streams while a simulated download writes and verifies their chunks (in order, shuffled, with a corrupt
/// chunk first), and the install transaction commits only after the download's commit, rolling back otherwise.
/// </summary>
public sealed class StreamingInstallTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly Composition.PluginCatalog _plugins = PeerHost.LoadPlugins([], NullLoggerFactory.Instance);
    private readonly Composition.PluginCatalog _general = PeerHost.LoadPlugins([], NullLoggerFactory.Instance, new Dictionary<string, string> { ["rar.useStoredFastPath"] = "false" });
    private readonly TempDir _temp = new();

    public static TheoryData<string, bool> Fixtures => new()
    {
        { "Rar5.rar", true }, { "Rar.rar", true }, { "Rar4.rar", true }, { "Rar5.solid.rar", true }, { "Rar.solid.rar", true },
        { "Rar5.none.rar", true }, { "Rar5.none.rar", false }, { "Rar5.comment.rar", true }, { "Rar5.crc_blake2.rar", true }, { "Rar2.rar", true },
        { "Rar4.multi.part01.rar", true }, { "Rar5.multi.part01.rar", true },
    };

    public void Dispose()
    {
        _plugins.Dispose();
        _general.Dispose();
        _temp.Dispose();
    }

    private InstallTransaction Transaction(bool fastPath = true) =>
        new((fastPath ? _plugins : _general).Select<IUnpacker>(PluginKind.Unpacker, null), NullLogger<InstallTransaction>.Instance);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Every_fixture_installs_from_chunks_delivered_in_a_shuffled_order(string fixture, bool fastPath)
    {
        var root = Root("shuffled");
        var download = new SimulatedDownload(root, Volumes(fixture), chunkSize: 1024);
        var transaction = Transaction(fastPath);
        var install = StartInstall(transaction, download);
        foreach (var chunk in download.Chunks.OrderBy(_ => Random.Shared.Next()))
        {
            download.Deliver(chunk);
            await Task.Yield();
        }

        download.Commit();
        Assert.Equal(InstallMode.Install, await install.WaitAsync(Deadline));
        Assert.Equal(Expected("test-files.sha256"), GameFixture.Manifest(Path.Combine(root, "local")));
        AssertClean(root);
    }

    [Fact]
    public async Task A_stored_archive_is_unpacked_behind_the_download_before_its_last_chunk_arrives()
    {
        var content = Enumerable.Range(0, 6).ToDictionary(i => $"data/part{i}.pak", i => GameFixture.Bytes(300_000, 50 + i));
        var source = Path.Combine(_temp.Path, "source.eti");
        GameFixture.WriteArchive(source, content);
        var root = Root("behind");
        var download = new SimulatedDownload(root, new Dictionary<string, string> { ["game.eti"] = source }, chunkSize: 64 * 1024);
        var progress = new List<UnpackProgress>();
        var install = StartInstall(Transaction(), download, new SyncProgress(progress));
        foreach (var chunk in download.Chunks.SkipLast(1))
        {
            download.Deliver(chunk);
        }

        // Every entry but the last is whole before the archive's last chunk: the unpacker works behind the download.
        var staging = Path.Combine(root, GameRootLayout.InstallingDirectory);
        await Poll.UntilAsync(() => content.Keys.SkipLast(1).All(name => new FileInfo(Path.Combine(staging, name)) is { Exists: true } f && f.Length == 300_000),
            Deadline, "the first five entries unpacked while the last chunk is missing");
        Assert.False(install.IsCompleted);
        download.Deliver(download.Chunks[^1]);
        await Task.Yield();
        Assert.False(install.IsCompleted); // no commit before the download's
        download.Commit();
        Assert.Equal(InstallMode.Install, await install.WaitAsync(Deadline));
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(root, "local")));
        Assert.Contains(progress, p => p.TotalBytes == new FileInfo(source).Length && p.BytesDone == p.TotalBytes);
        AssertClean(root);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_corrupt_chunk_on_disk_is_never_read_the_unpacker_waits_for_its_verified_refetch(bool fastPath)
    {
        var content = Enumerable.Range(0, 4).ToDictionary(i => $"f{i}.bin", i => GameFixture.Bytes(200_000, 70 + i));
        var source = Path.Combine(_temp.Path, "source.eti");
        GameFixture.WriteArchive(source, content);
        var root = Root("corrupt");
        var download = new SimulatedDownload(root, new Dictionary<string, string> { ["game.eti"] = source }, chunkSize: 64 * 1024);
        var install = StartInstall(Transaction(fastPath), download);
        var bad = download.Chunks[download.Chunks.Count / 2];
        download.DeliverCorrupt(bad); // rejected: on disk, never marked verified
        foreach (var chunk in download.Chunks.Where(c => c != bad))
        {
            download.Deliver(chunk);
        }

        // The unpacker reaches the bad chunk and waits there (it does not fail on the flipped bytes).
        var staging = Path.Combine(root, GameRootLayout.InstallingDirectory);
        await Poll.UntilAsync(() => File.Exists(Path.Combine(staging, "f0.bin")), Deadline, "the unpacker started");
        Assert.False(install.IsCompleted);
        download.Deliver(bad); // the verified re-fetch
        download.Commit();
        Assert.Equal(InstallMode.Install, await install.WaitAsync(Deadline));
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(root, "local")));
    }

    [Fact]
    public async Task A_download_that_stops_rolls_the_streaming_update_back_and_keeps_the_old_install()
    {
        var root = Root("stopped");
        var old = new Dictionary<string, byte[]> { ["bin/game.exe"] = [1, 1] };
        foreach (var (name, bytes) in old)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, "local", name))!);
            File.WriteAllBytes(Path.Combine(root, "local", name), bytes);
        }

        var content = new Dictionary<string, byte[]> { ["bin/game.exe"] = GameFixture.Bytes(500_000, 9) };
        var source = Path.Combine(_temp.Path, "source.eti");
        GameFixture.WriteArchive(source, content);
        var download = new SimulatedDownload(root, new Dictionary<string, string> { ["game.eti"] = source }, chunkSize: 64 * 1024);
        var install = StartInstall(Transaction(), download);
        foreach (var chunk in download.Chunks.Take(3))
        {
            download.Deliver(chunk);
        }

        await Poll.UntilAsync(() => Directory.Exists(Path.Combine(root, GameRootLayout.InstallingDirectory)), Deadline, "staging created");
        download.Staged.Stop("cancelled by the user"); // what the pipeline does when the download ends without its commit
        download.Committed.TrySetResult(false);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => install.WaitAsync(Deadline));
        Assert.Contains("cancelled by the user", error.Message, StringComparison.Ordinal);
        Assert.Equal(GameFixture.Manifest(old), GameFixture.Manifest(Path.Combine(root, "local")));
        AssertClean(root);
        Assert.True(Directory.Exists(Path.Combine(root, GameRootLayout.PartialDirectory))); // the verified chunks stay (pause)
    }

    [Fact]
    public async Task An_unpack_that_finished_still_waits_for_the_download_commit_and_rolls_back_without_it()
    {
        var root = Root("nocommit");
        var content = new Dictionary<string, byte[]> { ["a.bin"] = GameFixture.Bytes(100_000, 3) };
        var source = Path.Combine(_temp.Path, "source.eti");
        GameFixture.WriteArchive(source, content);
        var download = new SimulatedDownload(root, new Dictionary<string, string> { ["game.eti"] = source }, chunkSize: 64 * 1024);
        var install = StartInstall(Transaction(), download);
        download.Chunks.ForEach(download.Deliver);
        await Poll.UntilAsync(() => File.Exists(Path.Combine(root, GameRootLayout.InstallingDirectory, "a.bin")) && new FileInfo(Path.Combine(root, GameRootLayout.InstallingDirectory, "a.bin")).Length == 100_000,
            Deadline, "unpacked");
        Assert.False(install.IsCompleted);
        Assert.False(Directory.Exists(Path.Combine(root, "local")));
        download.Committed.TrySetResult(false); // e.g. the sentinel could not be fetched
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => install.WaitAsync(Deadline));
        Assert.Contains("did not complete", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "local")));
        AssertClean(root);
    }

    [Fact]
    public async Task A_verified_range_stream_hands_out_verified_bytes_only_and_waits_for_the_rest()
    {
        var path = Path.Combine(_temp.Path, "file.bin");
        var bytes = GameFixture.Bytes(300, 1);
        File.WriteAllBytes(path, bytes);
        var file = new ManifestFile("file.bin", 300, [new ManifestChunk(0, 100, ""), new ManifestChunk(100, 100, ""), new ManifestChunk(200, 100, "")]);
        var ranges = new VerifiedRanges(file, [0]);
        using var cancel = new CancellationTokenSource();
        using var stream = new VerifiedRangeStream(File.OpenHandle(path), ranges, cancel.Token);
        var buffer = new byte[300];
        Assert.Equal(100, await stream.ReadAsync(buffer));
        Assert.Equal(bytes[..100], buffer[..100]);
        var waiting = stream.ReadAsync(buffer).AsTask();
        ranges.MarkVerified(200); // not contiguous with the position: still waiting
        await Task.Yield();
        Assert.False(waiting.IsCompleted);
        ranges.MarkVerified(100);
        Assert.Equal(200, await waiting.WaitAsync(Deadline));
        Assert.Equal(bytes[100..], buffer[..200]);
        Assert.Equal(0, await stream.ReadAsync(buffer));

        // A stop wakes a waiting reader with the reason; a cancel ends its wait.
        var second = new VerifiedRanges(file, []);
        using var stopped = new VerifiedRangeStream(File.OpenHandle(path), second, CancellationToken.None);
        var blocked = stopped.ReadAsync(buffer).AsTask();
        second.Stop(new IOException("peer gone"));
        Assert.Contains("peer gone", (await Assert.ThrowsAsync<IOException>(() => blocked.WaitAsync(Deadline))).Message, StringComparison.Ordinal);
        using var cancelled = new VerifiedRangeStream(File.OpenHandle(path), new VerifiedRanges(file, []), cancel.Token);
        var pending = cancelled.ReadAsync(buffer).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Deadline));
    }

    private Task<InstallMode> StartInstall(InstallTransaction transaction, SimulatedDownload download, IProgress<UnpackProgress>? progress = null)
    {
        var unpacker = transaction.StreamingUnpacker;
        Assert.NotNull(unpacker);
        var archives = ((IUnpacker)unpacker).FindArchives(download.Staged.StagingDirectory);
        Assert.NotEmpty(archives);
        return Task.Run(() => transaction.InstallStreamingAsync(download.Root, archives, path => download.Staged.Open(path, CancellationToken.None), download.Committed.Task, progress, CancellationToken.None));
    }

    private string Root(string name)
    {
        var root = Path.Combine(_temp.Path, $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)], "game");
        Directory.CreateDirectory(root);
        return root;
    }

    /// <summary>The fixture's volumes, named as a game's archive (<c>game.eti</c>, <c>game.partNN.eti</c>).</summary>
    private static Dictionary<string, string> Volumes(string fixture)
    {
        if (!fixture.Contains(".part01.", StringComparison.Ordinal))
        {
            return new Dictionary<string, string> { ["game.eti"] = Path.Combine(Repo.RarFixtures, fixture) };
        }

        var stem = fixture[..fixture.IndexOf(".part01.", StringComparison.Ordinal)];
        return Directory.GetFiles(Repo.RarFixtures, stem + ".part*.rar")
            .ToDictionary(p => "game" + Path.GetFileName(p)[stem.Length..].Replace(".rar", ".eti", StringComparison.Ordinal), p => p);
    }

    private static SortedDictionary<string, string> Expected(string file) => new(
        File.ReadAllLines(Path.Combine(Repo.RarFixtures, "expected", file))
            .Where(l => l.Length > 66)
            .ToDictionary(l => l[66..], l => l[..64]), StringComparer.Ordinal);

    private static void AssertClean(string root)
    {
        Assert.False(Directory.Exists(Path.Combine(root, GameRootLayout.InstallingDirectory)));
        Assert.False(Directory.Exists(Path.Combine(root, GameRootLayout.BackupDirectory)));
        Assert.False(File.Exists(Path.Combine(root, GameRootLayout.IntentLog)));
    }
}
