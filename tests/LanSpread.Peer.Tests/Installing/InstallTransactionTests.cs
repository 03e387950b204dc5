using LanSpread.Core.Composition;
using LanSpread.Core.Model;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.FileSystem;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Installing;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Peer.Tests.Installing;

public sealed class InstallTransactionTests : IDisposable
{
    private static readonly Dictionary<string, byte[]> OldContent = new() { ["bin/game.exe"] = [1, 1], ["old-only.dat"] = [7] };
    private static readonly Dictionary<string, byte[]> NewContent = new() { ["bin/game.exe"] = [2, 2, 2], ["new-only.dat"] = [8] };

    private readonly Composition.PluginCatalog _plugins = PeerHost.LoadPlugins([], NullLoggerFactory.Instance);
    private readonly TempDir _temp = new();

    private InstallTransaction Transaction => new(_plugins.Select<IUnpacker>(PluginKind.Unpacker, null), NullLogger<InstallTransaction>.Instance);

    public void Dispose()
    {
        _plugins.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task Install_then_update_then_uninstall()
    {
        var root = GameFixture.Create(_temp.Path, "cs16", "1", OldContent, new Dictionary<string, byte[]> { ["notes.txt"] = [5] });
        Assert.Equal(InstallMode.Install, await Transaction.InstallAsync(root, null, default));
        Assert.Equal(GameFixture.Manifest(OldContent), GameFixture.Manifest(Path.Combine(root, "local")));
        AssertClean(root);

        GameFixture.WriteArchive(Path.Combine(root, "cs16.eti"), NewContent);
        Assert.Equal(InstallMode.Update, await Transaction.InstallAsync(root, null, default));
        Assert.Equal(GameFixture.Manifest(NewContent), GameFixture.Manifest(Path.Combine(root, "local")));
        AssertClean(root);

        await Transaction.UninstallAsync(root, default);
        Assert.False(Directory.Exists(Path.Combine(root, "local")));
        Assert.True(File.Exists(Path.Combine(root, "cs16.eti")));
        Assert.True(File.Exists(Path.Combine(root, "version.ini")));
        Assert.True(File.Exists(Path.Combine(root, "notes.txt")));
        AssertClean(root);
    }

    [Theory]
    [InlineData("Rar5.encrypted_filesOnly.rar", "encrypted")]
    [InlineData("Rar.Encrypted.rar", "encrypted")]
    [InlineData("Rar.malformed_512byte.rar", "Rar.malformed_512byte.eti")]
    public async Task A_bad_archive_fails_clearly_removes_staging_and_keeps_the_previous_install(string fixture, string message)
    {
        var root = GameFixture.Create(_temp.Path, "cs16", "1", OldContent);
        await Transaction.InstallAsync(root, null, default);
        File.Delete(Path.Combine(root, "cs16.eti"));
        File.Copy(Path.Combine(Repo.RarFixtures, fixture), Path.Combine(root, fixture.Replace(".rar", ".eti", StringComparison.Ordinal)));

        var error = await Assert.ThrowsAsync<UnpackException>(() => Transaction.InstallAsync(root, null, default));
        Assert.Contains(message, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(GameFixture.Manifest(OldContent), GameFixture.Manifest(Path.Combine(root, "local")));
        AssertClean(root);
    }

    [Fact]
    public async Task Installing_a_game_that_is_not_downloaded_or_has_no_archive_is_refused()
    {
        var root = GameFixture.Create(_temp.Path, "cs16", null, OldContent);
        var notDownloaded = await Assert.ThrowsAsync<InvalidOperationException>(() => Transaction.InstallAsync(root, null, default));
        Assert.Contains("not downloaded", notDownloaded.Message, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(root, "version.ini"), "1");
        File.Delete(Path.Combine(root, "cs16.eti"));
        var noArchive = await Assert.ThrowsAsync<InvalidOperationException>(() => Transaction.InstallAsync(root, null, default));
        Assert.Contains("no archive", noArchive.Message, StringComparison.Ordinal);
        var notInstalled = await Assert.ThrowsAsync<InvalidOperationException>(() => Transaction.UninstallAsync(root, default));
        Assert.Contains("not installed", notInstalled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reserved_looking_directories_without_proof_are_left_alone_and_reported()
    {
        var root = GameFixture.Create(_temp.Path, "cs16", "1", OldContent);
        Directory.CreateDirectory(Path.Combine(root, ".local.installing", "user-stuff"));
        Directory.CreateDirectory(Path.Combine(root, ".local.backup"));
        var outcome = await Transaction.RecoverAsync(root, default);
        Assert.Equal(2, outcome.LeftAlone.Count);
        Assert.True(Directory.Exists(Path.Combine(root, ".local.installing", "user-stuff")));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Transaction.InstallAsync(root, null, default));
        Assert.Contains("without proof", refused.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(root, ".local.installing", "user-stuff")));
    }

    [Fact]
    public async Task An_unreadable_intent_log_changes_nothing()
    {
        var root = GameFixture.Create(_temp.Path, "cs16", "1", OldContent);
        await Transaction.InstallAsync(root, null, default);
        Directory.CreateDirectory(Path.Combine(root, ".local.installing"));
        File.WriteAllText(Path.Combine(root, ".local.installing", ".lanspread_owned"), "");
        File.WriteAllText(Path.Combine(root, ".lanspread.json"), "{ garbage");
        var outcome = await Transaction.RecoverAsync(root, default);
        Assert.Equal("unresolved", outcome.Action);
        Assert.True(Directory.Exists(Path.Combine(root, ".local.installing")));
        Assert.True(File.Exists(Path.Combine(root, ".lanspread.json")));
    }

    /// <summary>The recovery state table, row by row: a disk state and intent built by hand → old or new.</summary>
    [Theory]
    [InlineData("install", "staging", "staging", "none")]
    [InlineData("install", "committing", "staging", "new")]
    [InlineData("install", "committing", "local-new", "new")]
    [InlineData("update", "staging", "local+staging", "old")]
    [InlineData("update", "swapping", "local+staging", "new")]
    [InlineData("update", "swapping", "backup+staging", "new")]
    [InlineData("update", "swapping", "local-new+backup", "new")]
    [InlineData("update", "swapping", "backup", "old")]
    [InlineData("update", "cleanup", "local-new+backup", "new")]
    [InlineData("uninstall", "moving", "local", "old")]
    [InlineData("uninstall", "moving", "backup", "none")]
    [InlineData("uninstall", "deleting", "backup", "none")]
    [InlineData(null, null, "local+staging-marked", "old")]
    [InlineData(null, null, "backup-marked", "old")]
    public async Task Recovery_rolls_each_state_to_old_or_new(string? operation, string? phase, string disk, string expected)
    {
        var root = Path.Combine(_temp.Path, "game");
        Directory.CreateDirectory(root);
        foreach (var part in disk.Split('+'))
        {
            switch (part)
            {
                case "local": Write(Path.Combine(root, "local"), OldContent); break;
                case "local-new": Write(Path.Combine(root, "local"), NewContent); break;
                case "staging": Write(Path.Combine(root, ".local.installing"), NewContent, marker: true); break;
                case "staging-marked": Write(Path.Combine(root, ".local.installing"), NewContent, marker: true); break;
                case "backup": Write(Path.Combine(root, ".local.backup"), OldContent, marker: operation == "uninstall"); break;
                case "backup-marked": Write(Path.Combine(root, ".local.backup"), OldContent, marker: true); break;
            }
        }

        if (operation is not null)
        {
            new InstallIntent(operation, phase!, DateTimeOffset.UtcNow).Write(root);
        }

        await Transaction.RecoverAsync(root, default);
        var local = Path.Combine(root, "local");
        switch (expected)
        {
            case "none": Assert.False(Directory.Exists(local)); break;
            case "old": Assert.Equal(GameFixture.Manifest(OldContent), GameFixture.Manifest(local)); break;
            case "new": Assert.Equal(GameFixture.Manifest(NewContent), GameFixture.Manifest(local)); break;
        }

        AssertClean(root);
    }

    [RootFact]
    public async Task A_full_disk_during_extraction_fails_cleanly_and_keeps_the_previous_install()
    {
        var mount = _temp.Sub("small-disk");
        Shell.Run("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mount);
        try
        {
            var root = GameFixture.Create(mount, "cs16", "1", OldContent);
            await Transaction.InstallAsync(root, null, default);
            GameFixture.WriteArchive(Path.Combine(root, "cs16.eti"), new Dictionary<string, byte[]> { ["huge.bin"] = GameFixture.Bytes(7_000_000, 1) });
            var error = await Assert.ThrowsAsync<UnpackException>(() => Transaction.InstallAsync(root, null, default));
            Assert.True(DiskErrors.IsDiskFull(error), error.ToString());
            Assert.Equal(GameFixture.Manifest(OldContent), GameFixture.Manifest(Path.Combine(root, "local")));
            AssertClean(root);
        }
        finally
        {
            Shell.Run("umount", "-l", mount);
        }
    }

    private static void Write(string directory, Dictionary<string, byte[]> content, bool marker = false)
    {
        foreach (var (name, bytes) in content)
        {
            var path = Path.Combine(directory, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }

        if (marker)
        {
            File.WriteAllBytes(Path.Combine(directory, GameRootLayout.OwnedMarker), []);
        }
    }

    private static void AssertClean(string root)
    {
        Assert.False(Directory.Exists(Path.Combine(root, ".local.installing")), ".local.installing left behind");
        Assert.False(Directory.Exists(Path.Combine(root, ".local.backup")), ".local.backup left behind");
        Assert.False(File.Exists(Path.Combine(root, ".lanspread.json")), "intent log left behind");
        var local = Path.Combine(root, "local");
        Assert.False(File.Exists(Path.Combine(local, GameRootLayout.OwnedMarker)), "marker leaked into local/");
    }
}
