using System.Collections;
using LanSpread.Core.Model;
using LanSpread.Peer.Library;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Peer.Tests.Manifest;

/// <summary>Content-defined chunking and the validation of manifests received from peers.</summary>
public sealed class ManifestCodecTests
{
    private static readonly ContentChunking Small = ContentChunking.FromAverage(64 * 1024);

    private static List<ManifestChunk> ChunkBytes(byte[] bytes, ContentChunking chunking)
    {
        using var temp = new TempDir();
        var path = Path.Combine(temp.Path, "f.bin");
        File.WriteAllBytes(path, bytes);
        return ContentChunker.ChunkFile(path, chunking);
    }

    [Fact]
    public void Chunks_cover_the_file_within_the_bounds_and_an_insert_changes_only_the_chunks_around_it()
    {
        var bytes = GameFixture.Bytes(4_000_000, 1);
        var chunks = ChunkBytes(bytes, Small);
        Assert.Equal(bytes.Length, chunks.Sum(c => c.Length));
        Assert.All(chunks.SkipLast(1), c => Assert.InRange(c.Length, Small.Min, Small.Max));
        Assert.InRange(chunks.Count, bytes.Length / Small.Max, bytes.Length / Small.Min);
        Assert.Equal(chunks, ChunkBytes(bytes, Small)); // deterministic

        // 1000 bytes inserted at 1 MB: the chunks before are equal, and almost all after it are found again.
        var shifted = bytes[..1_000_000].Concat(GameFixture.Bytes(1000, 2)).Concat(bytes[1_000_000..]).ToArray();
        var after = ChunkBytes(shifted, Small);
        var before = chunks.Select(c => c.Sha256).ToHashSet();
        var changed = after.Where(c => !before.Contains(c.Sha256)).Sum(c => c.Length);
        Assert.InRange(changed, 1000, 3 * Small.Max);
    }

    [Fact]
    public void The_sizes_derive_from_one_average_and_the_default_is_1_4_16_MiB()
    {
        Assert.Equal(new ContentChunking(1 << 20, 4 << 20, 16 << 20), ContentChunking.Default);
        Assert.Equal(ContentChunking.FromAverage(4 << 20), ContentChunking.FromAverage((4 << 20) + 5)); // rounded to a power of two
    }

    private static GameManifest Valid(string root) => ManifestCodec.Create("2", [
        new ManifestFile("a.eti", 300, [new ManifestChunk(0, 100, new string('a', 64)), new ManifestChunk(100, 200, new string('b', 64))]),
        new ManifestFile("version.ini", 2, [new ManifestChunk(0, 2, new string('c', 64))]),
    ]);

    public static TheoryData<string, string> Hostile => new()
    {
        { "negative", "absurd length" },
        { "overlap", "overlaps or leaves a gap" },
        { "gap", "overlaps or leaves a gap" },
        { "oversize", "absurd length" },
        { "sum", "add up" },
        { "size", "absurd size" },
        { "escape", "would leave the game root" },
        { "absolute", "would leave the game root" },
        { "reserved", "would leave the game root or is reserved" },
        { "partial", "would leave the game root or is reserved" },
        { "duplicate", "not sorted and unique" },
        { "sha", "malformed SHA-256" },
        { "digest", "digest" },
        { "version", "version" },
        { "count", "more than" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_hostile_manifest_is_refused_with_a_clear_reason(string kind, string expected)
    {
        using var temp = new TempDir();
        var good = Valid(temp.Path);
        Assert.Null(ManifestCodec.Validate(good, "2", temp.Path));
        var a = good.Files[0];
        ManifestFile Chunks(params ManifestChunk[] chunks) => a with { Chunks = chunks };
        var h = new string('d', 64);
        GameManifest Files(params ManifestFile[] files) => ManifestCodec.Create("2", files);
        var manifest = kind switch
        {
            "negative" => Files(Chunks(new(0, -1, h), new(-1, 301, h))),
            "overlap" => Files(Chunks(new(0, 200, h), new(100, 200, h))),
            "gap" => Files(Chunks(new(0, 100, h), new(150, 150, h))),
            "oversize" => Files(a with { Size = 128L << 20, Chunks = [new(0, 128L << 20, h)] }),
            "sum" => Files(a with { Size = 301 }),
            "size" => Files(a with { Size = -5, Chunks = [] }),
            "escape" => Files(a with { RelativePath = "../../etc/passwd" }),
            "absolute" => Files(a with { RelativePath = "/etc/passwd" }),
            "reserved" => Files(a with { RelativePath = "local/game.exe" }),
            "partial" => Files(a with { RelativePath = ".lanspread.partial/a.eti" }),
            "duplicate" => new GameManifest("2", [a, a], ManifestCodec.Digest("2", [a, a])),
            "sha" => Files(Chunks(new(0, 100, "XYZ"), new(100, 200, h))),
            "digest" => good with { Digest = new string('0', 64) },
            "version" => good,
            "count" => Files(a with { Size = 0, Chunks = new HugeList() }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var reason = ManifestCodec.Validate(manifest, kind == "version" ? "3" : "2", temp.Path);
        Assert.NotNull(reason);
        Assert.Contains(expected, reason, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path)); // refused before anything is written
    }

    /// <summary>A chunk list that claims more chunks than allowed: refused from its count, never enumerated.</summary>
    private sealed class HugeList : IReadOnlyList<ManifestChunk>
    {
        public int Count => ManifestCodec.MaxChunks + 1;

        public ManifestChunk this[int index] => throw new InvalidOperationException("must not be read");

        public IEnumerator<ManifestChunk> GetEnumerator() => Enumerable.Empty<ManifestChunk>().GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
