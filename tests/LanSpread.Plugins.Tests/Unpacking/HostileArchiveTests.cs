using System.Diagnostics;
using LanSpread.Core.Unpacking;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Plugins.Tests.Unpacking;

/// <summary>Archives made by the fixture writer: hostile names, corruption, and the fast path's parity.</summary>
public sealed class HostileArchiveTests(UnpackerFixture fixture) : IClassFixture<UnpackerFixture>
{
    public static TheoryData<string, string> HostileNames => new()
    {
        { "../evil.txt", "escapes" },
        { "a/../../evil.txt", "escapes" },
        { "/etc/evil.txt", "absolute" },
        { "C:/evil.txt", "absolute" },
        { "C:evil.txt", "absolute" },
        { "data/CON.txt", "device name" },
        { "nul", "device name" },
        { "bad\u0001name.txt", "forbidden character" },
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Hostile_entry_names_are_refused_before_anything_is_written(string name, string reason)
    {
        foreach (var unpacker in new[] { fixture.Rar, fixture.RarGeneral })
        {
            using var temp = new TempDir();
            var archive = Path.Combine(temp.Path, "hostile.eti");
            // A harmless entry first: nothing at all may be written, not even it.
            GameFixture.WriteArchiveInOrder(archive, [("aaa-first.txt", [1, 2, 3]), (name, [6, 6, 6])]);
            var destination = Path.Combine(temp.Sub("deep"), "out");
            var error = await Assert.ThrowsAsync<UnpackException>(() => unpacker.UnpackAsync(new UnpackRequest([archive], destination), null, default));
            Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(Directory.EnumerateFileSystemEntries(destination, "*", SearchOption.AllDirectories));
            Assert.False(File.Exists(Path.Combine(temp.Path, "evil.txt")));
            Assert.False(File.Exists(Path.Combine(temp.Path, "deep", "evil.txt")));
        }
    }

    [Fact]
    public async Task Names_that_collide_after_normalisation_are_refused()
    {
        using var temp = new TempDir();
        var archive = Path.Combine(temp.Path, "collide.eti");
        GameFixture.WriteArchiveInOrder(archive, [("Readme.txt", [1]), ("README.TXT", [2])]);
        var error = await Assert.ThrowsAsync<UnpackException>(() => fixture.Rar.UnpackAsync(new UnpackRequest([archive], Path.Combine(temp.Path, "out")), null, default));
        Assert.Contains("collides", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupted_stored_entry_fails_its_crc_check()
    {
        foreach (var unpacker in new[] { fixture.Rar, fixture.RarGeneral })
        {
            using var temp = new TempDir();
            var archive = Path.Combine(temp.Path, "corrupt.eti");
            var payload = GameFixture.Bytes(300_000, 3);
            GameFixture.WriteArchiveInOrder(archive, [("big.bin", payload)]);
            var bytes = File.ReadAllBytes(archive);
            bytes[bytes.Length / 2] ^= 0xFF; // inside the data area
            File.WriteAllBytes(archive, bytes);
            var error = await Assert.ThrowsAsync<UnpackException>(() => unpacker.UnpackAsync(new UnpackRequest([archive], Path.Combine(temp.Path, "out")), null, default));
            Assert.Contains("corrupt.eti", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_truncated_archive_fails()
    {
        using var temp = new TempDir();
        var archive = Path.Combine(temp.Path, "short.eti");
        GameFixture.WriteArchiveInOrder(archive, [("big.bin", GameFixture.Bytes(300_000, 4))]);
        using (var stream = new FileStream(archive, FileMode.Open))
        {
            stream.SetLength(stream.Length - 100_000);
        }

        await Assert.ThrowsAsync<UnpackException>(() => fixture.Rar.UnpackAsync(new UnpackRequest([archive], Path.Combine(temp.Path, "out")), null, default));
    }

    [Fact]
    public async Task The_fast_path_and_SharpCompress_produce_the_same_tree_with_progress()
    {
        var content = new Dictionary<string, byte[]>
        {
            ["bin/game.exe"] = GameFixture.Bytes(1_234_567, 1),
            ["data/levels/one.dat"] = GameFixture.Bytes(70_000, 2),
            ["data/levels/two.dat"] = GameFixture.Bytes(0, 3),
            ["data/названия файлов.txt"] = GameFixture.Bytes(500, 4),
            ["deep/a/b/c/d/e/f/g/h.txt"] = GameFixture.Bytes(10, 5),
        };
        using var temp = new TempDir();
        var archive = Path.Combine(temp.Path, "game.eti");
        GameFixture.WriteArchive(archive, content);
        var reports = new List<UnpackProgress>();
        await fixture.Rar.UnpackAsync(new UnpackRequest([archive], Path.Combine(temp.Path, "fast")), new SyncProgress(reports.Add), default);
        await fixture.RarGeneral.UnpackAsync(new UnpackRequest([archive], Path.Combine(temp.Path, "general")), null, default);
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(temp.Path, "fast")));
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(temp.Path, "general")));
        Assert.True(Directory.Exists(Path.Combine(temp.Path, "fast", "deep", "a", "b")));
        var last = Assert.IsType<UnpackProgress>(reports[^1]);
        Assert.Equal(content.Values.Sum(v => (long)v.Length), last.BytesDone);
        Assert.Equal(last.TotalBytes, last.BytesDone);
    }

    [Fact]
    public void The_fixture_writer_makes_archives_bsdtar_reads()
    {
        using var temp = new TempDir();
        var archive = Path.Combine(temp.Path, "check.rar");
        GameFixture.WriteArchive(archive, new Dictionary<string, byte[]>
        {
            ["a.txt"] = [65, 66, 67],
            ["dir/b.bin"] = GameFixture.Bytes(100_000, 9),
            ["dir/sub/ü.txt"] = [1],
        });
        var list = Process.Start(new ProcessStartInfo("bsdtar", ["-tf", archive]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("bsdtar (libarchive-tools) is required: .ci/run installs it");
        var output = list.StandardOutput.ReadToEnd();
        list.WaitForExit();
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("dir/b.bin", output, StringComparison.Ordinal);
        Assert.Contains("dir/sub/ü.txt", output, StringComparison.Ordinal);

        var extract = Process.Start(new ProcessStartInfo("bsdtar", ["-xf", archive, "-C", temp.Sub("x")]) { RedirectStandardError = true })!;
        extract.WaitForExit();
        Assert.Equal(0, extract.ExitCode);
        Assert.Equal(GameFixture.Bytes(100_000, 9), File.ReadAllBytes(Path.Combine(temp.Path, "x", "dir", "b.bin")));
    }

    private sealed class SyncProgress(Action<UnpackProgress> report) : IProgress<UnpackProgress>
    {
        public void Report(UnpackProgress value) => report(value);
    }
}
