using LanSpread.Core.Composition;
using LanSpread.Core.Unpacking;
using LanSpread.Hosting.Archives;
using LanSpread.Peer.Hosting;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Plugins.Tests.Unpacking;

/// <summary>
/// Real archive layouts on the stored fast path (directory entries, WinRAR's optional header fields and
/// extra records), RAR5 symbolic links (created inside, refused outside), and empty archives — each
/// through both the fast path and SharpCompress.
/// </summary>
public sealed class LinkAndLayoutTests(UnpackerFixture fixture) : IClassFixture<UnpackerFixture>
{
    private IUnpacker[] Both => [fixture.Rar, fixture.RarGeneral];

    [Fact]
    public async Task A_WinRAR_style_archive_with_directory_entries_takes_the_fast_path_and_matches_SharpCompress()
    {
        using var temp = new TempDir();
        var archive = Path.Combine(temp.Path, "game.eti");
        var content = new Dictionary<string, byte[]>
        {
            ["bin/game.exe"] = GameFixture.Bytes(300_000, 1),
            ["data/maps/one.map"] = GameFixture.Bytes(70_000, 2),
            ["data/empty.cfg"] = [],
        };
        using (var writer = new StoredRar5Writer(archive, winRarFields: true))
        {
            writer.AddDirectory("bin");
            writer.AddDirectory("data");
            writer.AddDirectory("data/maps");
            writer.AddDirectory("data/saves"); // an empty directory must exist afterwards
            foreach (var (name, bytes) in content)
            {
                writer.AddFile(name, bytes);
            }
        }

        Assert.True(await TakesFastPathAsync(archive));
        foreach (var (unpacker, name) in new[] { (fixture.Rar, "fast"), (fixture.RarGeneral, "general") })
        {
            var destination = Path.Combine(temp.Path, name);
            await unpacker.UnpackAsync(new UnpackRequest([archive], destination), null, default);
            Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(destination));
            Assert.True(Directory.Exists(Path.Combine(destination, "data", "saves")));
        }

        Assert.Equal(0, RunBsdtar("-xf", archive, "-C", temp.Sub("bsdtar")));
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(temp.Path, "bsdtar")));
    }

    [Theory]
    [InlineData("Rar5.none.rar", true)] // WinRAR, stored, with a directory entry
    [InlineData("Rar5.rar", false)] // compressed
    [InlineData("Rar5.solid.rar", false)]
    [InlineData("Rar5.crc_blake2.rar", false)] // BLAKE2 instead of CRC32: SharpCompress checks it
    [InlineData("Rar5.multi.part01.rar", false)]
    [InlineData("Rar.none.rar", false)] // RAR4
    public async Task The_fast_path_takes_exactly_the_archives_it_fully_understands(string name, bool eligible)
    {
        Assert.Equal(eligible, await TakesFastPathAsync(Path.Combine(Repo.RarFixtures, name)));
    }

    [Fact]
    public async Task Symbolic_links_inside_the_game_are_created_with_their_targets()
    {
        foreach (var unpacker in Both)
        {
            using var temp = new TempDir();
            var archive = Path.Combine(temp.Path, "links.eti");
            using (var writer = new StoredRar5Writer(archive, winRarFields: true))
            {
                writer.AddDirectory("data");
                writer.AddFile("data/game.bin", [1, 2, 3]);
                writer.AddLink("bin/run.bin", "../data/game.bin");
                writer.AddLink("current", "data");
                writer.AddLink("win.bin", "data\\game.bin", redirectionType: 2);
            }

            var destination = Path.Combine(temp.Path, "out");
            await unpacker.UnpackAsync(new UnpackRequest([archive], destination), null, default);
            Assert.Equal("../data/game.bin", new FileInfo(Path.Combine(destination, "bin", "run.bin")).LinkTarget);
            Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(destination, "bin", "run.bin")));
            Assert.Equal("data", new DirectoryInfo(Path.Combine(destination, "current")).LinkTarget);
            Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(destination, "current", "game.bin")));
            Assert.Equal("data/game.bin", new FileInfo(Path.Combine(destination, "win.bin")).LinkTarget);
        }
    }

    public static TheoryData<string, string, int, string> HostileLinks => new()
    {
        { "up.bin", "../outside.bin", 1, "points outside" },
        { "deep/up.bin", "../../outside.bin", 1, "points outside" },
        { "abs.bin", "/etc/passwd", 1, "points outside" },
        { "winabs.bin", "\\??\\C:\\Windows\\win.ini", 2, "points outside" },
        { "junction", "C:\\Games", 3, "points outside" },
        { "empty.bin", "", 1, "empty or malformed target" },
        { "hard.bin", "data/game.bin", 4, "hard link" },
        { "copy.bin", "data/game.bin", 5, "file copy" },
    };

    [Theory]
    [MemberData(nameof(HostileLinks))]
    public async Task Links_that_leave_the_game_are_refused_before_anything_is_written(string name, string target, int type, string reason)
    {
        foreach (var unpacker in Both)
        {
            using var temp = new TempDir();
            var archive = Path.Combine(temp.Path, "hostile.eti");
            using (var writer = new StoredRar5Writer(archive))
            {
                writer.AddFile("data/game.bin", [1, 2, 3]);
                writer.AddLink(name, target, type);
            }

            var destination = Path.Combine(temp.Sub("game"), "local");
            var error = await Assert.ThrowsAsync<UnpackException>(() => unpacker.UnpackAsync(new UnpackRequest([archive], destination), null, default));
            Assert.Contains(reason, error.Message, StringComparison.Ordinal);
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
            Assert.Contains("hostile.eti", error.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(destination, "*", SearchOption.AllDirectories));
        }
    }

    [Fact]
    public async Task An_entry_below_a_link_is_refused_so_nothing_is_written_through_a_link()
    {
        foreach (var unpacker in Both)
        {
            using var temp = new TempDir();
            var archive = Path.Combine(temp.Path, "chain.eti");
            using (var writer = new StoredRar5Writer(archive))
            {
                // "d" points at the game root itself (allowed); "d/x" would then be created at the root,
                // where its lexically harmless "../evil" leaves the game.
                writer.AddLink("d", ".");
                writer.AddLink("d/x", "../evil");
            }

            var destination = Path.Combine(temp.Sub("game"), "local");
            var error = await Assert.ThrowsAsync<UnpackException>(() => unpacker.UnpackAsync(new UnpackRequest([archive], destination), null, default));
            Assert.Contains("below the link 'd'", error.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(destination, "*", SearchOption.AllDirectories));
        }
    }

    [Fact]
    public async Task An_empty_archive_fails_with_a_clear_message()
    {
        foreach (var unpacker in Both)
        {
            using var temp = new TempDir();
            var archive = Path.Combine(temp.Path, "empty.eti");
            new StoredRar5Writer(archive).Dispose();
            var error = await Assert.ThrowsAsync<UnpackException>(() => unpacker.UnpackAsync(new UnpackRequest([archive], Path.Combine(temp.Path, "out")), null, default));
            Assert.Contains("empty archive", error.Message, StringComparison.Ordinal);
            Assert.Contains("empty.eti", error.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>Unpacks with a recording logger and tells whether the plugin said it took the stored fast path.</summary>
    private static async Task<bool> TakesFastPathAsync(string archive)
    {
        var logs = new RecordingLoggerFactory();
        using var catalog = PeerHost.LoadPlugins([], logs);
        using var temp = new TempDir();
        await catalog.Select<IUnpacker>(PluginKind.Unpacker, "rar").UnpackAsync(new UnpackRequest([archive], Path.Combine(temp.Path, "out")), null, default);
        return logs.Messages.Any(m => m.Contains("stored-RAR5 fast path", StringComparison.Ordinal));
    }

    private static int RunBsdtar(params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bsdtar", args) { RedirectStandardError = true })
            ?? throw new InvalidOperationException("bsdtar (libarchive-tools) is required: tests/run.sh installs it");
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }
}
