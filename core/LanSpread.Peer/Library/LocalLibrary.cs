using LanSpread.Core.Model;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Library;

/// <summary>
/// This peer's library, kept true by rescans: the game directory in use, every scanned root, and a
/// revision number that changes whenever what the server announces changes (peers re-list on it).
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

    public LocalLibrary(string gameDirectory, LibraryScanner scanner, ILogger<LocalLibrary> logger)
    {
        _gameDirectory = Path.GetFullPath(gameDirectory);
        _scanner = scanner;
        _logger = logger;
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

    /// <summary>What the server announces: downloaded catalog games only.</summary>
    public IReadOnlyList<GameSummary> Announced()
    {
        lock (_gate)
        {
            return _games.Values.Where(g => g.Game.IsDownloaded && g.Game.InCatalog)
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
        var scanned = _scanner.ScanAll(directory).ToDictionary(g => g.Game.Id, StringComparer.Ordinal);
        lock (_gate)
        {
            if (directory != _gameDirectory)
            {
                return false; // switched meanwhile; the switch rescans
            }

            var changed = !SameGames(_games, scanned);
            _games = scanned;
            if (changed)
            {
                Interlocked.Increment(ref _revision);
            }

            return changed;
        }
    }

    /// <summary>Records verified chunks of a root's files (see <see cref="LibraryScanner.Remember"/>).</summary>
    public void Remember(string id, IEnumerable<ManifestFile> files) => _scanner.Remember(GameDirectory, id, files);

    /// <summary>Rescans one root; true when it changed.</summary>
    public bool RescanGame(string id)
    {
        var directory = GameDirectory;
        var scanned = _scanner.ScanGame(directory, id);
        lock (_gate)
        {
            if (directory != _gameDirectory)
            {
                return false;
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

    private static bool Same(ScannedGame a, ScannedGame b) => a.Game == b.Game && a.Files.SequenceEqual(b.Files) && a.Manifest?.Digest == b.Manifest?.Digest
        && (a.Content?.Count ?? -1) == (b.Content?.Count ?? -1);
}
