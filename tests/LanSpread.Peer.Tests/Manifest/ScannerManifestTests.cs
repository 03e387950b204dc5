using LanSpread.Peer.Library;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Peer.Tests.Manifest;

/// <summary>The scanner builds manifests, reports hashing progress, and hashes each content once (index keyed by path, size, mtime).</summary>
public sealed class ScannerManifestTests
{
    private static LibraryScanner Scanner(string indexPath, List<(string Game, long Done, long Total)> progress) =>
        new(GameCatalog.LoadBundled(), new LibraryIndex(indexPath, NullLogger<LibraryIndex>.Instance), NullLogger<LibraryScanner>.Instance,
            ContentChunking.FromAverage(64 * 1024), 2, (g, d, t) =>
            {
                lock (progress)
                {
                    progress.Add((g, d, t));
                }
            });

    [Fact]
    public void A_manifest_is_hashed_once_and_only_changed_files_are_hashed_again()
    {
        using var temp = new TempDir();
        var games = temp.Sub("games");
        var content = Enumerable.Range(0, 3).ToDictionary(i => $"d/f{i}.bin", i => GameFixture.Bytes(300_000, i));
        var root = GameFixture.Create(games, "alienswarm", "7", content, new Dictionary<string, byte[]> { ["readme.txt"] = GameFixture.Bytes(200_000, 9) });
        var index = Path.Combine(temp.Path, "index.json");
        var progress = new List<(string, long, long)>();

        var first = Scanner(index, progress).ScanGame(games, "alienswarm")!;
        var manifest = Assert.IsType<Core.Model.GameManifest>(first.Manifest);
        Assert.Equal("7", manifest.Version);
        Assert.Equal(["alienswarm.eti", "readme.txt", "version.ini"], manifest.Files.Select(f => f.RelativePath));
        Assert.Null(ManifestCodec.Validate(manifest, "7", root));
        var total = manifest.Files.Sum(f => f.Size);
        Assert.Equal(("alienswarm", total, total), progress[^1]);

        var again = Scanner(index, progress);
        Assert.Equal(manifest.Digest, again.ScanGame(games, "alienswarm")!.Manifest!.Digest);
        Assert.Equal(0, again.BytesHashed);

        File.WriteAllBytes(Path.Combine(root, "readme.txt"), GameFixture.Bytes(200_001, 10));
        var changed = Scanner(index, progress);
        var third = changed.ScanGame(games, "alienswarm")!.Manifest!;
        Assert.Equal(200_001, changed.BytesHashed);
        Assert.NotEqual(manifest.Digest, third.Digest);
        Assert.Equal(manifest.Files[0].Chunks, third.Files[0].Chunks); // the archive's chunks came from the index
    }
}
