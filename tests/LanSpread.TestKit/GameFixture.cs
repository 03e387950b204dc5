using System.Security.Cryptography;
using LanSpread.Hosting.Archives;

namespace LanSpread.TestKit;

/// <summary>Makes game roots: a stored RAR5 archive (<c>ID.eti</c>) of a tree, extra files, the sentinel.</summary>
public static class GameFixture
{
    /// <summary>Deterministic pseudo-random content.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// Creates <c>games/id</c> with an archive holding <paramref name="content"/> (path → bytes), the extra files,
    /// and <c>version.ini</c> (when <paramref name="version"/> is given). Returns the root.
    /// </summary>
    public static string Create(string gamesDir, string id, string? version, IReadOnlyDictionary<string, byte[]> content, IReadOnlyDictionary<string, byte[]>? extraFiles = null)
    {
        var root = Path.Combine(gamesDir, id);
        Directory.CreateDirectory(root);
        WriteArchive(Path.Combine(root, id + ".eti"), content);
        foreach (var (name, bytes) in extraFiles ?? new Dictionary<string, byte[]>())
        {
            var path = Path.Combine(root, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }

        if (version is not null)
        {
            File.WriteAllText(Path.Combine(root, "version.ini"), version + "\n");
        }

        return root;
    }

    public static void WriteArchive(string path, IReadOnlyDictionary<string, byte[]> content)
    {
        using var writer = new StoredRar5Writer(path);
        foreach (var directory in content.Keys.SelectMany(Parents).Distinct().Order(StringComparer.Ordinal))
        {
            writer.AddDirectory(directory);
        }

        foreach (var (name, bytes) in content.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            writer.AddFile(name, bytes);
        }
    }

    /// <summary>Writes entries exactly as given, in order (hostile names included), without directory entries.</summary>
    public static void WriteArchiveInOrder(string path, IEnumerable<(string Name, byte[] Bytes)> entries)
    {
        using var writer = new StoredRar5Writer(path);
        foreach (var (name, bytes) in entries)
        {
            writer.AddFile(name, bytes);
        }
    }

    /// <summary>sha256 → relative path of every file under a directory.</summary>
    public static SortedDictionary<string, string> Manifest(string directory)
    {
        var manifest = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            using var stream = File.OpenRead(file);
            manifest[Path.GetRelativePath(directory, file).Replace('\\', '/')] = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        return manifest;
    }

    public static SortedDictionary<string, string> Manifest(IReadOnlyDictionary<string, byte[]> content) =>
        new(content.ToDictionary(kv => kv.Key, kv => Convert.ToHexStringLower(SHA256.HashData(kv.Value))), StringComparer.Ordinal);

    private static IEnumerable<string> Parents(string path)
    {
        var parts = path.Split('/');
        for (var i = 1; i < parts.Length; i++)
        {
            yield return string.Join('/', parts.Take(i));
        }
    }

    /// <summary>Flips every byte of a file in place, keeping its size and modification time (the cached manifest stays).</summary>
    public static void CorruptKeepingStamp(string path)
    {
        var mtime = File.GetLastWriteTimeUtc(path);
        var bytes = File.ReadAllBytes(path);
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] ^= 0x5a;
        }

        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Write(bytes);
        }

        File.SetLastWriteTimeUtc(path, mtime);
    }
}
