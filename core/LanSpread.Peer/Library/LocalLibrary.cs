using LanSpread.Core.Model;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Library;

/// <summary>
/// This peer's library, kept true by rescans: the game directory in use, every scanned root, and a
/// revision number that changes whenever what the server announces changes (peers re-list on it).
/// With background hashing, scans read no file content: a root with files not in the index yet is kept
/// as <see cref="ScannedGame.HashPending"/> (not announced) and queued, and <see cref="RunHashingAsync"/>
/// hashes the queue one game at a time (its files with the scanner's bounded parallelism); a game that
/// becomes ready bumps the revision, so peers learn it at the next ping.
/// </summary>
public sealed class LocalLibrary
{
    private readonly LibraryScanner _scanner;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Dictionary<string, ScannedGame> _games = new(StringComparer.Ordinal);
    private string _gameDirectory;
    // From the clock, so a restarted peer never reuses a revision number: peers holding an older
    // life's revision get a full list, not a delta against a list this life never sent.
    private long _revision = DateTime.UtcNow.Ticks;
    private readonly bool _backgroundHashing;
    // Game ids waiting for the hashing loop, in arrival order; a game is queued at most once.
    private readonly List<string> _pending = [];
    private string? _hashingNow;
    // A wake-up signal for the hashing loop (at most one held; a channel needs no disposal).
    private readonly System.Threading.Channels.Channel<byte> _wake = System.Threading.Channels.Channel.CreateBounded<byte>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });

    /// <param name="gameDirectory">The game directory.</param>
    /// <param name="scanner">Scans roots.</param>
    /// <param name="logger">Logs.</param>
    /// <param name="backgroundHashing">
    /// Scans leave content hashing to <see cref="RunHashingAsync"/> (the runtime); false hashes within
    /// each scan (hosts without a server, component tests).
    /// </param>
    public LocalLibrary(string gameDirectory, LibraryScanner scanner, ILogger<LocalLibrary> logger, bool backgroundHashing = false)
    {
        _gameDirectory = Path.GetFullPath(gameDirectory);
        _scanner = scanner;
        _logger = logger;
        _backgroundHashing = backgroundHashing;
    }

    /// <summary>A game's manifest became ready in the background and the library changed (argument: the game id).</summary>
    public event Action<string>? GameHashed;

    /// <summary>
    /// The hashing queue ran empty: once when the first scan's games are all hashed (also when there was
    /// nothing to hash), then each time it empties again after hashing (games hashed, bytes read, time taken).
    /// </summary>
    public event Action<int, long, TimeSpan>? HashingDrained;

    /// <summary>Bytes read to hash content since start (index hits read nothing).</summary>
    public long BytesHashed => _scanner.BytesHashed;

    /// <summary>Game ids queued for background hashing (the one being hashed included until it is done).</summary>
    public IReadOnlyList<string> PendingHashes
    {
        get
        {
            lock (_gate)
            {
                return _hashingNow is null ? _pending.ToList() : [_hashingNow, .. _pending.Where(p => p != _hashingNow)];
            }
        }
    }

    public string GameDirectory
    {
        get
        {
            lock (_gate)
            {
                return _gameDirectory;
            }
        }
    }

    public long Revision => Interlocked.Read(ref _revision);

    public GameDB Snapshot()
    {
        lock (_gate)
        {
            return GameDB.From(_games.Values.Select(g => g.Game));
        }
    }

    public ScannedGame? Find(string id)
    {
        lock (_gate)
        {
            return _games.GetValueOrDefault(id);
        }
    }

    /// <summary>What the server announces: downloaded catalog games whose manifest is ready.</summary>
    public IReadOnlyList<GameSummary> Announced()
    {
        lock (_gate)
        {
            return _games.Values.Where(g => g.Game.IsDownloaded && g.Game.InCatalog && !g.HashPending)
                .Select(g => new GameSummary(g.Game.Id, g.Game.Version ?? string.Empty, g.Game.Size))
                .OrderBy(g => g.Id, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The root of a game; an id that breaks the game-id rule is refused, so no caller can leave the game directory.</summary>
    public string RootOf(string id) => Path.Combine(GameDirectory, GameId.Validate(id, nameof(id)));

    /// <summary>Makes peers re-list this library at their next ping (what is announced changed without a rescan).</summary>
    public void BumpRevision() => Interlocked.Increment(ref _revision);

    /// <summary>Rescans everything; true when the library changed.</summary>
    public bool RescanAll()
    {
        var directory = GameDirectory;
        var scanned = _scanner.ScanAll(directory, _backgroundHashing).ToDictionary(g => g.Game.Id, StringComparer.Ordinal);
        lock (_gate)
        {
            if (directory != _gameDirectory)
            {
                return false; // switched meanwhile; the switch rescans
            }

            var changed = !SameGames(_games, scanned);
            _games = scanned;
            foreach (var game in scanned.Values.Where(g => g.HashPending))
            {
                QueueLocked(game.Game.Id);
            }

            if (changed)
            {
                Interlocked.Increment(ref _revision);
            }

            return changed;
        }
    }

    /// <summary>Records verified chunks of a root's files (see <see cref="LibraryScanner.Remember"/>).</summary>
    public void Remember(string id, IEnumerable<ManifestFile> files) => _scanner.Remember(GameDirectory, id, files);

    /// <summary>
    /// Rescans one root; true when it changed. Its new or changed files are hashed now, unless
    /// <paramref name="deferHashing"/> (and the library hashes in the background): then they are queued.
    /// </summary>
    public bool RescanGame(string id, bool deferHashing = false)
    {
        var directory = GameDirectory;
        var scanned = _scanner.ScanGame(directory, id, deferHashing && _backgroundHashing);
        return Commit(directory, id, scanned);
    }

    /// <summary>
    /// Hashes queued games until <paramref name="cancellationToken"/> fires, one game at a time. A
    /// game is re-scanned with hashing (files hashed meanwhile, e.g. by a download's rescan, are index
    /// hits), then committed like any rescan. Cancelling stops within one read block; the files hashed
    /// so far stay in the index.
    /// </summary>
    public async Task RunHashingAsync(CancellationToken cancellationToken)
    {
        var games = 0;
        var bytes = _scanner.BytesHashed;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var first = true;
        while (true)
        {
            string? id;
            lock (_gate)
            {
                // Taken off the queue before hashing: a rescan that finds the game changed meanwhile
                // queues it again, and that second pass reads only what changed (the rest is in the index).
                id = _hashingNow = _pending.FirstOrDefault();
                if (id is not null)
                {
                    _pending.RemoveAt(0);
                }
            }

            if (id is null)
            {
                // Once at start even with nothing to hash, so a host always learns when the library is whole.
                if (games > 0 || first)
                {
                    first = false;
                    _logger.LogInformation("Library hashed: {Games} game(s), {Bytes} bytes", games, _scanner.BytesHashed - bytes);
                    HashingDrained?.Invoke(games, _scanner.BytesHashed - bytes, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                    games = 0;
                }

                await _wake.Reader.ReadAsync(cancellationToken);
                if (games == 0)
                {
                    bytes = _scanner.BytesHashed;
                    started = System.Diagnostics.Stopwatch.GetTimestamp();
                }

                continue;
            }

            var directory = GameDirectory;
            try
            {
                var scanned = await Task.Run(() => _scanner.ScanGame(directory, id, deferHashing: false, cancellationToken), cancellationToken);
                games++;
                if (Commit(directory, id, scanned) && scanned is { HashPending: false })
                {
                    GameHashed?.Invoke(id);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("Hashing {Game} failed: {Error}; a later rescan retries", id, ex.Message);
            }
            finally
            {
                lock (_gate)
                {
                    _hashingNow = null;
                }
            }
        }
    }

    private void QueueLocked(string id)
    {
        if (!_pending.Contains(id, StringComparer.Ordinal))
        {
            _pending.Add(id);
            _wake.Writer.TryWrite(0);
        }
    }

    private bool Commit(string directory, string id, ScannedGame? scanned)
    {
        lock (_gate)
        {
            if (directory != _gameDirectory)
            {
                return false;
            }

            if (scanned is { HashPending: true })
            {
                QueueLocked(id);
            }

            var old = _games.GetValueOrDefault(id);
            if (scanned is null)
            {
                if (!_games.Remove(id))
                {
                    return false;
                }
            }
            else
            {
                if (old is not null && Same(old, scanned))
                {
                    return false;
                }

                _games[id] = scanned;
            }

            Interlocked.Increment(ref _revision);
            return true;
        }
    }

    /// <summary>Switches to another directory (validated: exists, is a directory, readable).</summary>
    public void SetGameDirectory(string path)
    {
        var full = ValidateGameDirectory(path, requireWritable: false);
        lock (_gate)
        {
            _gameDirectory = full;
            _games = new Dictionary<string, ScannedGame>(StringComparer.Ordinal);
            _pending.Clear();
        }

        _logger.LogInformation("Game directory is now {Directory}", full);
        RescanAll();
        Interlocked.Increment(ref _revision);
    }

    /// <summary>Checks a game directory and returns its full path, or throws <see cref="ArgumentException"/> with a message a user can act on.</summary>
    public static string ValidateGameDirectory(string path, bool requireWritable)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("the game directory is empty");
        }

        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new ArgumentException($"'{full}' is a file, not a directory");
        }

        if (!Directory.Exists(full))
        {
            throw new ArgumentException($"the game directory '{full}' does not exist (create it, or pass another with --games)");
        }

        try
        {
            _ = Directory.EnumerateFileSystemEntries(full).FirstOrDefault();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new ArgumentException($"the game directory '{full}' is not readable: {ex.Message}");
        }

        if (requireWritable)
        {
            var probe = Path.Combine(full, $".lanspread-write-probe-{Environment.ProcessId}");
            try
            {
                File.WriteAllBytes(probe, []);
                File.Delete(probe);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                throw new ArgumentException($"the game directory '{full}' is not writable: {ex.Message}");
            }
        }

        return full;
    }

    private static bool SameGames(Dictionary<string, ScannedGame> a, Dictionary<string, ScannedGame> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && Same(kv.Value, other));

    private static bool Same(ScannedGame a, ScannedGame b) => a.Game == b.Game && a.HashPending == b.HashPending && a.Files.SequenceEqual(b.Files) && a.Manifest?.Digest == b.Manifest?.Digest
        && (a.Content?.Count ?? -1) == (b.Content?.Count ?? -1);
}
