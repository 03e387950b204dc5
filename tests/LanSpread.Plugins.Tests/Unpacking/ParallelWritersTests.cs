using LanSpread.Core.Composition;
using LanSpread.Core.Unpacking;
using LanSpread.Hosting.Archives;
using LanSpread.Peer.Hosting;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Plugins.Tests.Unpacking;

/// <summary>
/// The stored fast path writes several files at a time (<c>rar.writers</c>, default 4): the tree, the
/// progress and every failure must be what one writer gives.
/// </summary>
public sealed class ParallelWritersTests
{
    private const int Files = 96;

    [Fact]
    public async Task Many_files_unpack_to_the_same_tree_with_one_writer_and_with_four()
    {
        using var temp = new TempDir();
        var archive = Path.Combine(temp.Path, "many.eti");
        var content = WriteManyFiles(archive);
        var total = content.Values.Sum(b => (long)b.Length);
        foreach (var writers in new[] { "1", "4" })
        {
            using var catalog = PeerHost.LoadPlugins([], NullLoggerFactory.Instance, new Dictionary<string, string> { ["rar.writers"] = writers });
            var destination = Path.Combine(temp.Path, "out" + writers);
            var progress = new Recorder();
            await catalog.Select<IUnpacker>(PluginKind.Unpacker, "rar").UnpackAsync(new UnpackRequest([archive], destination), progress, default);
            Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(destination));
            Assert.True(Directory.Exists(Path.Combine(destination, "dir3", "empty")));
            Assert.Equal(total, progress.Last!.BytesDone);
            Assert.Equal(total, progress.Last.TotalBytes);
        }
    }

    [Fact]
    public async Task A_corrupt_file_among_many_fails_its_crc_check_by_name_with_four_writers()
    {
        using var temp = new TempDir();
        var archive = Path.Combine(temp.Path, "many.eti");
        var content = WriteManyFiles(archive);
        var victim = content.Keys.Order(StringComparer.Ordinal).ElementAt(Files / 2);
        var bytes = File.ReadAllBytes(archive);
        var at = bytes.AsSpan().IndexOf(content[victim].AsSpan(0, 64));
        Assert.True(at > 0);
        bytes[at + 1000] ^= 0xFF;
        File.WriteAllBytes(archive, bytes);
        using var catalog = PeerHost.LoadPlugins([], NullLoggerFactory.Instance, new Dictionary<string, string> { ["rar.writers"] = "4" });
        var error = await Assert.ThrowsAsync<UnpackException>(() => catalog.Select<IUnpacker>(PluginKind.Unpacker, "rar")
            .UnpackAsync(new UnpackRequest([archive], Path.Combine(temp.Path, "out")), null, default));
        Assert.Contains("CRC32", error.Message, StringComparison.Ordinal);
        Assert.Contains(victim, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_while_four_writers_copy_stops_them_with_a_cancellation()
    {
        using var temp = new TempDir();
        var archive = Path.Combine(temp.Path, "many.eti");
        WriteManyFiles(archive);
        using var catalog = PeerHost.LoadPlugins([], NullLoggerFactory.Instance, new Dictionary<string, string> { ["rar.writers"] = "4" });
        using var cancel = new CancellationTokenSource();
        // Cancelled from the first progress report, i.e. while the writers are copying.
        var progress = new Recorder(cancel.Cancel);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => catalog.Select<IUnpacker>(PluginKind.Unpacker, "rar")
            .UnpackAsync(new UnpackRequest([archive], Path.Combine(temp.Path, "out")), progress, cancel.Token));
        Assert.NotNull(progress.Last);
        Assert.True(progress.Last.BytesDone < progress.Last.TotalBytes);
    }

    /// <summary>A WinRAR-layout stored archive of <see cref="Files"/> files in four directories (one more empty).</summary>
    private static Dictionary<string, byte[]> WriteManyFiles(string archive)
    {
        var content = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var writer = new StoredRar5Writer(archive, winRarFields: true);
        for (var d = 0; d < 4; d++)
        {
            writer.AddDirectory($"dir{d}");
        }

        writer.AddDirectory("dir3/empty");
        for (var i = 0; i < Files; i++)
        {
            var name = $"dir{i % 4}/file{i:D3}.bin";
            var bytes = GameFixture.Bytes(20_000 + (i * 997), 100 + i);
            content[name] = bytes;
            writer.AddFile(name, bytes);
        }

        return content;
    }

    /// <summary>Records reports synchronously (not <see cref="Progress{T}"/>, which posts them).</summary>
    private sealed class Recorder(Action? onFirst = null) : IProgress<UnpackProgress>
    {
        private readonly Lock _gate = new();

        public UnpackProgress? Last { get; private set; }

        public void Report(UnpackProgress value)
        {
            lock (_gate)
            {
                var first = Last is null;
                Last = value;
                if (first)
                {
                    onFirst?.Invoke();
                }
            }
        }
    }
}
