using System.IO.Enumeration;
using System.Text;
using LanSpread.Core.Model;
using LanSpread.Peer.FileSystem;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Library;

/// <summary>
/// Reads game roots: downloaded iff the root-level <c>version.ini</c> is a file (its first line is the
/// version), installed iff <c>local/</c> is a directory, and the list of served entries (everything
/// but <c>local/</c>, LanSpread's bookkeeping and symbolic links). Unchanged roots are answered from
/// the <see cref="LibraryIndex"/> without walking their files. With a <see cref="ContentChunking"/> the
/// scanner also builds each root's content manifest (chunks and SHA-256 of every file, hashed with
/// bounded parallelism and cached in the index by path, size and mtime), so a game is announced only
/// with its manifest ready.
/// </summary>
public sealed class LibraryScanner
{
    private const int MaxVersionBytes = 4096;

    private readonly GameCatalog _catalog;
    private readonly LibraryIndex _index;
    private readonly ILogger _logger;
    private readonly ContentChunking? _chunking;
    private readonly int _hashParallelism;
    private readonly Action<string, long, long>? _hashProgress;
    private long _bytesHashed;

    /// <param name="catalog">Gates which roots are announced.</param>
    /// <param name="index">The on-disk index (file lists and chunk caches).</param>
    /// <param name="logger">Logs.</param>
    /// <param name="chunking">Chunk sizes of manifests; null builds none (the <c>list</c> verb).</param>
    /// <param name="hashParallelism">Files hashed at once.</param>
    /// <param name="hashProgress">(game, bytes hashed, bytes to hash) while a game's content is hashed, throttled.</param>
    public LibraryScanner(GameCatalog catalog, LibraryIndex index, ILogger<LibraryScanner> logger, ContentChunking? chunking = null, int hashParallelism = 2, Action<string, long, long>? hashProgress = null)
    {
        _hashProgress = hashProgress;
        _catalog = catalog;
        _index = index;
        _logger = logger;
        _chunking = chunking;
        _hashParallelism = Math.Max(1, hashParallelism);
    }

    /// <summary>Bytes read to hash content so far (cache hits read nothing; for tests and logs).</summary>
    public long BytesHashed => Interlocked.Read(ref _bytesHashed);

    /// <summary>How many roots the last scans answered from the index (for tests and logs).</summary>
    public int IndexHits { get; private set; }

    /// <summary>The game-id rule (<see cref="GameId"/>): a root whose name breaks it is never scanned.</summary>
    public static bool IsValidGameId(string id) => GameId.IsValid(id);

    /// <summary>Scans every root of <paramref name="gameDirectory"/>.</summary>
    public IReadOnlyList<ScannedGame> ScanAll(string gameDirectory)
    {
        var games = new List<ScannedGame>();
        foreach (var root in Directory.EnumerateDirectories(gameDirectory).Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileName(root);
            if (GameId.Problem(id) is { } problem)
            {
                _logger.LogInformation("Skipped folder {Root}: its name is not a game id ({Problem})", root, problem);
                continue;
            }

            var scanned = ScanGame(gameDirectory, id);
            if (scanned is not null)
            {
                games.Add(scanned);
            }
        }

        _index.Prune(games.Select(g => g.Game.Id));
        _index.Save();
        return games;
    }

    /// <summary>Scans one root; null when it no longer exists.</summary>
    public ScannedGame? ScanGame(string gameDirectory, string id)
    {
        var root = Path.Combine(gameDirectory, id);
        if (!Directory.Exists(root))
        {
            _index.Remove(id);
            return null;
        }

        var inCatalog = _catalog.Contains(id);
        if (!inCatalog)
        {
            _logger.LogInformation("Game root {Root} is not in the catalog: neither announced nor served", root);
        }

        var version = ReadVersion(Path.Combine(root, GameRootLayout.VersionFile));
        var installed = Directory.Exists(Path.Combine(root, GameRootLayout.LocalDirectory));
        IReadOnlyList<GameFileDescription> files;
        var stamp = LibraryIndex.Stamp(root);
        if (_index.TryGet(id, stamp, out var cached))
        {
            IndexHits++;
            files = cached;
        }
        else
        {
            files = ListFiles(root);
            _index.Set(id, stamp, files);
        }

        var size = files.Where(f => !f.IsDirectory).Sum(f => f.Size);
        var game = new LocalGame(id, version, version is not null, installed, size, inCatalog);
        var content = _chunking is null || !inCatalog ? null : HashContent(id, root, files, _chunking);
        var manifest = content is null || version is null ? null : ManifestCodec.Create(version, content);
        return new ScannedGame(game, files, content, manifest);
    }

    /// <summary>
    /// Records the chunks of files just written and verified against a peer's manifest as this root's
    /// content (keyed by their size and mtime now), so they are not hashed again and this peer
    /// announces the same manifest digest as the peers it downloaded from.
    /// </summary>
    public void Remember(string gameDirectory, string id, IEnumerable<ManifestFile> files)
    {
        if (_chunking is null)
        {
            return;
        }

        var root = Path.Combine(gameDirectory, id);
        foreach (var file in files)
        {
            var info = new FileInfo(Path.Combine(root, file.RelativePath));
            if (info.Exists && info.Length == file.Size)
            {
                _index.SetChunks(id, file.RelativePath, info.Length, info.LastWriteTimeUtc.Ticks, _chunking.Key, file.Chunks);
            }
        }

        _index.Save();
    }

    /// <summary>
    /// The chunks of every regular file of a root, from the index when (size, mtime) are unchanged,
    /// else hashed, several files at once. A file that vanishes or fails to read is left out (a later
    /// rescan, triggered by that change, sees it again).
    /// </summary>
    private List<ManifestFile>? HashContent(string id, string root, IReadOnlyList<GameFileDescription> files, ContentChunking chunking)
    {
        var regular = files.Where(f => !f.IsDirectory).ToList();
        var result = new ManifestFile?[regular.Count];
        var misses = new List<(int Index, string Path, long Length, long Mtime)>();
        for (var i = 0; i < regular.Count; i++)
        {
            var file = regular[i];
            var path = Path.Combine(root, file.RelativePath);
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                continue;
            }

            if (_index.TryGetChunks(id, file.RelativePath, info.Length, info.LastWriteTimeUtc.Ticks, chunking.Key, out var cached))
            {
                result[i] = new ManifestFile(file.RelativePath, info.Length, cached);
            }
            else
            {
                misses.Add((i, path, info.Length, info.LastWriteTimeUtc.Ticks));
            }
        }

        var toHash = misses.Sum(m => m.Length);
        var hashed = 0L;
        var reported = 0L;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Parallel.ForEach(misses, new ParallelOptions { MaxDegreeOfParallelism = _hashParallelism }, miss =>
        {
            var relative = regular[miss.Index].RelativePath;
            try
            {
                var chunks = ContentChunker.ChunkFile(miss.Path, chunking, n =>
                {
                    var done = Interlocked.Add(ref hashed, n);
                    Interlocked.Add(ref _bytesHashed, n);
                    var last = Interlocked.Read(ref reported);
                    if (done - last >= 64L * 1024 * 1024 && Interlocked.CompareExchange(ref reported, done, last) == last)
                    {
                        _hashProgress?.Invoke(id, done, toHash);
                    }
                });
                if (chunks.Sum(c => c.Length) == miss.Length)
                {
                    _index.SetChunks(id, relative, miss.Length, miss.Mtime, chunking.Key, chunks);
                }

                result[miss.Index] = new ManifestFile(relative, chunks.Sum(c => c.Length), chunks);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("Could not hash {Path}: {Error}", miss.Path, ex.Message);
            }
        });
        if (toHash > 0)
        {
            _hashProgress?.Invoke(id, hashed, toHash);
        }

        _index.KeepChunksOf(id, regular.Select(f => f.RelativePath));
        if (hashed > 0)
        {
            var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            _logger.LogInformation("Hashed {Bytes} bytes of {Game} in {Seconds:0.000}s ({Rate:0.00} GB/s)", hashed, id, seconds, hashed / Math.Max(1e-6, seconds) / 1e9);
            _index.Save();
        }

        return result.OfType<ManifestFile>().ToList();
    }

    /// <summary>Every served entry of a root, sorted, with '/' separators.</summary>
    public static IReadOnlyList<GameFileDescription> ListFiles(string root)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            ReturnSpecialDirectories = false,
        };
        var enumerable = new FileSystemEnumerable<GameFileDescription>(
            root,
            (ref FileSystemEntry entry) => new GameFileDescription(
                Path.GetRelativePath(root, entry.ToFullPath()).Replace(Path.DirectorySeparatorChar, '/'),
                entry.IsDirectory ? 0 : entry.Length,
                entry.IsDirectory),
            options)
        {
            ShouldRecursePredicate = (ref FileSystemEntry entry) =>
                !(entry.Directory.Length == root.Length && GameRootLayout.IsReservedTopLevel(entry.FileName.ToString())),
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
                !(entry.Directory.Length == root.Length && GameRootLayout.IsReservedTopLevel(entry.FileName.ToString())),
        };
        return enumerable.OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList();
    }

    /// <summary>The version a sentinel's bytes say: the first line, trimmed, at most 64 characters.</summary>
    public static string ParseVersion(ReadOnlySpan<byte> content)
    {
        var text = Encoding.UTF8.GetString(content[..Math.Min(content.Length, MaxVersionBytes)]);
        var line = text.Split('\n', 2)[0].Trim().TrimStart('\uFEFF');
        return line.Length > 64 ? line[..64] : line;
    }

    /// <summary>The version in a sentinel, or null when it is missing or not a regular file.</summary>
    public static string? ReadVersion(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null)
        {
            return null;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            var buffer = new byte[MaxVersionBytes];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return ParseVersion(buffer.AsSpan(0, read));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
