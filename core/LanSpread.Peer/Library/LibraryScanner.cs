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
/// the <see cref="LibraryIndex"/> without walking their files.
/// </summary>
public sealed class LibraryScanner
{
    private const int MaxVersionBytes = 4096;

    private readonly GameCatalog _catalog;
    private readonly LibraryIndex _index;
    private readonly ILogger _logger;

    public LibraryScanner(GameCatalog catalog, LibraryIndex index, ILogger<LibraryScanner> logger)
    {
        _catalog = catalog;
        _index = index;
        _logger = logger;
    }

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
        return new ScannedGame(game, files);
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
            var text = Encoding.UTF8.GetString(buffer, 0, read);
            var line = text.Split('\n', 2)[0].Trim().TrimStart('\uFEFF');
            return line.Length > 64 ? line[..64] : line;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
