using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using LanSpread.Core.Model;
using LanSpread.Peer.FileSystem;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Library;

/// <summary>
/// The on-disk scan index (in the data directory): per game id, a stamp and the file list it produced.
/// The stamp covers what reliably changes when a tree changes — every directory's modification time
/// (creations, deletions and renames touch it) and the size and time of the root-level files (where
/// archives and the sentinel live) — so an unchanged root is answered by stat-ing its directories, not
/// its files. It also caches every file's content chunks keyed by (game, path, size, mtime, chunk sizes),
/// so a manifest is hashed once per content. Written atomically; a missing or corrupt index is rebuilt.
/// </summary>
public sealed partial class LibraryIndex
{
    private const int FormatVersion = 2;

    private readonly string? _path;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChunkEntry> _chunks = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _dirty;

    public LibraryIndex(string? path, ILogger<LibraryIndex> logger)
    {
        _path = path;
        _logger = logger;
        Load();
    }

    public static string Stamp(string root)
    {
        var builder = new StringBuilder();
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        builder.Append(Directory.GetLastWriteTimeUtc(root).Ticks).Append('|');
        foreach (var file in new DirectoryInfo(root).EnumerateFiles("*", new EnumerationOptions { IgnoreInaccessible = true }))
        {
            builder.Append(file.Name).Append(':').Append(file.Length).Append(':').Append(file.LastWriteTimeUtc.Ticks).Append('|');
        }

        foreach (var directory in new DirectoryInfo(root).EnumerateDirectories("*", options))
        {
            builder.Append(directory.FullName.AsSpan(root.Length)).Append(':').Append(directory.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append('|');
        }

        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    public bool TryGet(string id, string stamp, out IReadOnlyList<GameFileDescription> files)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(id, out var entry) && entry.Stamp == stamp)
            {
                files = entry.Files;
                return true;
            }
        }

        files = [];
        return false;
    }

    public void Set(string id, string stamp, IReadOnlyList<GameFileDescription> files)
    {
        lock (_gate)
        {
            _entries[id] = new Entry(stamp, files.ToList());
            _dirty = true;
        }
    }

    public void Remove(string id)
    {
        lock (_gate)
        {
            _dirty |= _entries.Remove(id);
            RemoveChunksOf(id, keep: null);
        }
    }

    /// <summary>The cached chunks of a file when its size, modification time and chunk sizes are unchanged.</summary>
    public bool TryGetChunks(string id, string path, long size, long mtimeTicks, string chunkingKey, out IReadOnlyList<ManifestChunk> chunks)
    {
        lock (_gate)
        {
            if (_chunks.TryGetValue(ChunkKey(id, path), out var entry) && entry.Size == size && entry.Mtime == mtimeTicks && entry.Chunking == chunkingKey)
            {
                chunks = entry.Chunks;
                return true;
            }
        }

        chunks = [];
        return false;
    }

    public void SetChunks(string id, string path, long size, long mtimeTicks, string chunkingKey, IReadOnlyList<ManifestChunk> chunks)
    {
        lock (_gate)
        {
            _chunks[ChunkKey(id, path)] = new ChunkEntry(size, mtimeTicks, chunkingKey, chunks.ToList());
            _dirty = true;
        }
    }

    /// <summary>Forgets the cached chunks of a game's files that are no longer there.</summary>
    public void KeepChunksOf(string id, IEnumerable<string> paths)
    {
        lock (_gate)
        {
            RemoveChunksOf(id, paths.Select(p => ChunkKey(id, p)).ToHashSet(StringComparer.Ordinal));
        }
    }

    public void Prune(IEnumerable<string> keep)
    {
        var set = keep.ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var id in _entries.Keys.Where(k => !set.Contains(k)).ToList())
            {
                _entries.Remove(id);
                RemoveChunksOf(id, keep: null);
                _dirty = true;
            }
        }
    }

    public void Save()
    {
        if (_path is null)
        {
            return;
        }

        byte[] bytes;
        lock (_gate)
        {
            if (!_dirty)
            {
                return;
            }

            bytes = JsonSerializer.SerializeToUtf8Bytes(new IndexFile(FormatVersion, _entries, _chunks), IndexJsonContext.Default.IndexFile);
            _dirty = false;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            AtomicFile.WriteAllBytes(_path, bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Could not save the library index {Path}: {Error}", _path, ex.Message);
        }
    }

    private void Load()
    {
        if (_path is null || !File.Exists(_path))
        {
            return;
        }

        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllBytes(_path), IndexJsonContext.Default.IndexFile);
            if (file is null || file.Version != FormatVersion || file.Games is null)
            {
                throw new JsonException("unexpected index format");
            }

            foreach (var (id, entry) in file.Games)
            {
                if (entry?.Stamp is not null && entry.Files is not null)
                {
                    _entries[id] = entry;
                }
            }

            foreach (var (key, entry) in file.Chunks ?? [])
            {
                if (entry?.Chunks is not null && entry.Chunking is not null)
                {
                    _chunks[key] = entry;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            _logger.LogWarning("The library index {Path} is unreadable ({Error}); it will be rebuilt", _path, ex.Message);
            _entries.Clear();
            _chunks.Clear();
            _dirty = true;
        }
    }

    private static string ChunkKey(string id, string path) => id + "/" + path;

    private void RemoveChunksOf(string id, HashSet<string>? keep)
    {
        var prefix = id + "/";
        foreach (var key in _chunks.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && keep?.Contains(k) != true).ToList())
        {
            _chunks.Remove(key);
            _dirty = true;
        }
    }

    private sealed record Entry(string Stamp, List<GameFileDescription> Files);

    private sealed record ChunkEntry(long Size, long Mtime, string Chunking, List<ManifestChunk> Chunks);

    private sealed record IndexFile(int Version, Dictionary<string, Entry> Games, Dictionary<string, ChunkEntry>? Chunks);

    /// <summary>Source-generated: the index is read at every peer start (no reflection-built metadata there).</summary>
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(IndexFile))]
    private sealed partial class IndexJsonContext : JsonSerializerContext;
}
