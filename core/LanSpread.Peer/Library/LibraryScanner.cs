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
    // One hashing pass per game at a time: a rescan that comes while a game is being hashed waits, then
    // finds the files just hashed in the index instead of reading them a second time.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _hashing = new(StringComparer.Ordinal);
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

    /// <summary>
    /// Test hook: when positive, hashing reads at most this many bytes per second (per game), so a test
    /// can watch a peer while a small library is still being hashed. Zero (the default) is unthrottled.
    /// </summary>
    public long TestHashBytesPerSecond { get; set; }

    /// <summary>
    /// Test hook: while a file exists at this path, hashing pauses after its next read (reporting its
    /// progress first), until the file is deleted or the scan is cancelled. A test holds a peer in the
    /// "still hashing" state for exactly as long as it needs, however slow the machine. Null: no gate.
    /// </summary>
    public string? TestHashGate { get; set; }

    /// <summary>Bytes read to hash content so far (cache hits read nothing; for tests and logs).</summary>
    public long BytesHashed => Interlocked.Read(ref _bytesHashed);

    /// <summary>How many roots the last scans answered from the index (for tests and logs).</summary>
    public int IndexHits { get; private set; }

    /// <summary>The game-id rule (<see cref="GameId"/>): a root whose name breaks it is never scanned.</summary>
    public static bool IsValidGameId(string id) => GameId.IsValid(id);

    /// <summary>
    /// Scans every root of <paramref name="gameDirectory"/>. With <paramref name="deferHashing"/> no file
    /// is read: a root whose content is not all in the index comes back <see cref="ScannedGame.HashPending"/>.
    /// </summary>
    public IReadOnlyList<ScannedGame> ScanAll(string gameDirectory, bool deferHashing = false, CancellationToken cancellationToken = default)
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

            var scanned = ScanGame(gameDirectory, id, deferHashing, cancellationToken);
            if (scanned is not null)
            {
                games.Add(scanned);
            }
        }

        _index.Prune(games.Select(g => g.Game.Id));
        _index.Save();
        return games;
    }

    /// <summary>
    /// Scans one root; null when it no longer exists. With <paramref name="deferHashing"/> the content
    /// comes from the index only, and a root with files not hashed yet is <see cref="ScannedGame.HashPending"/>;
    /// otherwise those files are hashed now (cancellable: files finished so far stay in the index).
    /// </summary>
    public ScannedGame? ScanGame(string gameDirectory, string id, bool deferHashing = false, CancellationToken cancellationToken = default)
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
        var content = _chunking is null || !inCatalog ? null : HashContent(id, root, files, _chunking, deferHashing, cancellationToken);
        var manifest = content is null || version is null ? null : ManifestCodec.Create(version, content);
        return new ScannedGame(game, files, content, manifest) { HashPending = _chunking is not null && inCatalog && content is null };
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
    /// rescan, triggered by that change, sees it again). With <paramref name="deferHashing"/> nothing is
    /// read: null when some file is not in the index.
    /// </summary>
    private List<ManifestFile>? HashContent(string id, string root, IReadOnlyList<GameFileDescription> files, ContentChunking chunking, bool deferHashing, CancellationToken cancellationToken)
    {
        if (deferHashing)
        {
            var (cached, pending) = Lookup(id, root, files, chunking);
            return pending.Count == 0 ? cached.OfType<ManifestFile>().ToList() : null;
        }

        var gate = _hashing.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        gate.Wait(cancellationToken);
        try
        {
            // Looked up under the gate: what a pass that held it just hashed is a cache hit now.
            var (result, misses) = Lookup(id, root, files, chunking);
            Hash(id, result, misses, chunking, cancellationToken);
            _index.KeepChunksOf(id, files.Where(f => !f.IsDirectory).Select(f => f.RelativePath));
            return result.OfType<ManifestFile>().ToList();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Each regular file's chunks from the index (null where missing), and the files to hash.</summary>
    private (ManifestFile?[] Result, List<HashMiss> Misses) Lookup(string id, string root, IReadOnlyList<GameFileDescription> files, ContentChunking chunking)
    {
        var regular = files.Where(f => !f.IsDirectory).ToList();
        var result = new ManifestFile?[regular.Count];
        var misses = new List<HashMiss>();
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
                misses.Add(new HashMiss(i, file.RelativePath, path, info.Length, info.LastWriteTimeUtc.Ticks));
            }
        }

        return (result, misses);
    }

    /// <summary>Hashes the missed files into <paramref name="result"/>, several at once, each recorded in the index as it completes.</summary>
    private void Hash(string id, ManifestFile?[] result, List<HashMiss> misses, ContentChunking chunking, CancellationToken cancellationToken)
    {
        var toHash = misses.Sum(m => m.Length);
        var hashed = 0L;
        var reported = 0L;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var reportedAt = started;
        var rate = TestHashBytesPerSecond;
        var gate = TestHashGate;
        var pausedAtGate = 0;
        try
        {
            Parallel.ForEach(misses, new ParallelOptions { MaxDegreeOfParallelism = _hashParallelism, CancellationToken = cancellationToken }, miss =>
            {
                try
                {
                    var chunks = ContentChunker.ChunkFile(miss.Path, chunking, n =>
                    {
                        var done = Interlocked.Add(ref hashed, n);
                        Interlocked.Add(ref _bytesHashed, n);
                        // Every 64 MiB or half a second, whichever comes first: a slow disk still shows progress.
                        var last = Interlocked.Read(ref reported);
                        var now = System.Diagnostics.Stopwatch.GetTimestamp();
                        var lastAt = Interlocked.Read(ref reportedAt);
                        if ((done - last >= 64L * 1024 * 1024 || System.Diagnostics.Stopwatch.GetElapsedTime(lastAt, now) >= TimeSpan.FromMilliseconds(500))
                            && Interlocked.CompareExchange(ref reported, done, last) == last)
                        {
                            Interlocked.Exchange(ref reportedAt, now);
                            _hashProgress?.Invoke(id, done, toHash);
                        }

                        if (rate > 0)
                        {
                            var ahead = TimeSpan.FromSeconds((double)done / rate) - System.Diagnostics.Stopwatch.GetElapsedTime(started);
                            if (ahead > TimeSpan.Zero)
                            {
                                cancellationToken.WaitHandle.WaitOne(ahead);
                            }
                        }

                        if (gate is not null && File.Exists(gate))
                        {
                            // Progress first, so a test sees hashing under way before it relies on the pause.
                            if (Interlocked.Exchange(ref pausedAtGate, 1) == 0)
                            {
                                _hashProgress?.Invoke(id, done, toHash);
                            }

                            while (File.Exists(gate) && !cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(50)))
                            {
                            }
                        }
                    }, cancellationToken);
                    if (chunks.Sum(c => c.Length) == miss.Length)
                    {
                        _index.SetChunks(id, miss.RelativePath, miss.Length, miss.Mtime, chunking.Key, chunks);
                    }

                    result[miss.Index] = new ManifestFile(miss.RelativePath, chunks.Sum(c => c.Length), chunks);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    _logger.LogWarning("Could not hash {Path}: {Error}", miss.Path, ex.Message);
                }
            });
        }
        finally
        {
            // Also when cancelled: the files finished so far are kept, so the next start hashes only the rest.
            if (hashed > 0)
            {
                _index.Save();
            }
        }

        if (toHash > 0)
        {
            _hashProgress?.Invoke(id, hashed, toHash);
        }

        if (hashed > 0)
        {
            var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            _logger.LogInformation("Hashed {Bytes} bytes of {Game} in {Seconds:0.000}s ({Rate:0.00} GB/s)", hashed, id, seconds, hashed / Math.Max(1e-6, seconds) / 1e9);
        }
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
