using System.Collections.Concurrent;
using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Library;

/// <summary>
/// Keeps the local library true without restarts. FileSystemWatchers on the game directory and on each
/// game root, both non-recursive (a download rewriting a 50 GB archive must not flood us); a change
/// rescans only its game id, after a debounce. While a download, install or uninstall of a game runs,
/// its rescans are held and run once when the operation ends. A fallback full scan every
/// <see cref="PeerRuntimeOptions.FallbackScanInterval"/> catches what the watchers missed, and a
/// watcher error (overflow, directory deleted) triggers a full scan instead of ending the monitor.
/// </summary>
internal sealed class LocalGameMonitor : IDisposable
{
    private readonly PeerRuntimeOptions _options;
    private readonly LocalLibrary _library;
    private readonly OperationTracker _operations;
    private readonly EventBus _events;
    private readonly LibraryPublisher _publisher;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Timer> _debounce = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileSystemWatcher> _rootWatchers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private FileSystemWatcher? _directoryWatcher;

    public LocalGameMonitor(PeerRuntimeOptions options, LocalLibrary library, OperationTracker operations, EventBus events, LibraryPublisher publisher, ILogger<LocalGameMonitor> logger)
    {
        _options = options;
        _library = library;
        _operations = operations;
        _events = events;
        _publisher = publisher;
        _logger = logger;
        _operations.Ended += OnOperationEnded;
    }

    /// <summary>How many full scans ran (initial, fallback and after watcher errors).</summary>
    public int FullScans { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Watch();
        using var timer = new PeriodicTimer(_options.FallbackScanInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            FullScan("fallback interval");
        }
    }

    /// <summary>Re-attaches the watchers (after SetGameDir).</summary>
    public void Watch()
    {
        lock (_gate)
        {
            DisposeWatchers();
            var directory = _library.GameDirectory;
            _directoryWatcher = NewWatcher(directory, root: null);
            foreach (var root in Directory.EnumerateDirectories(directory))
            {
                AttachRoot(Path.GetFileName(root));
            }
        }
    }

    /// <summary>Rescans every game id (skipping busy ones, which are held).</summary>
    public void FullScan(string reason)
    {
        FullScans++;
        _logger.LogDebug("Full library scan ({Reason})", reason);
        var directory = _library.GameDirectory;
        var ids = _library.Snapshot().Games.Keys.ToHashSet(StringComparer.Ordinal);
        try
        {
            ids.UnionWith(Directory.EnumerateDirectories(directory).Select(Path.GetFileName).OfType<string>().Where(LibraryScanner.IsValidGameId));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _events.Publish(new Core.Events.RuntimeFailed("monitor", $"cannot read the game directory: {ex.Message}"));
        }

        var changed = false;
        foreach (var id in ids)
        {
            changed |= RescanOrHold(id);
            lock (_gate)
            {
                if (Directory.Exists(Path.Combine(directory, id)))
                {
                    AttachRoot(id);
                }
            }
        }

        if (changed)
        {
            _publisher.PublishLocalChange();
        }
    }

    public void Dispose()
    {
        _operations.Ended -= OnOperationEnded;
        lock (_gate)
        {
            DisposeWatchers();
        }

        foreach (var timer in _debounce.Values)
        {
            timer.Dispose();
        }
    }

    private FileSystemWatcher NewWatcher(string path, string? root)
    {
        var watcher = new FileSystemWatcher(path)
        {
            IncludeSubdirectories = false,
            NotifyFilter = NotifyFilters.DirectoryName | NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            InternalBufferSize = 64 * 1024,
        };
        FileSystemEventHandler changed = (_, e) => Schedule(root ?? e.Name);
        watcher.Created += changed;
        watcher.Deleted += changed;
        watcher.Changed += changed;
        watcher.Renamed += (_, e) =>
        {
            Schedule(root ?? e.OldName);
            Schedule(root ?? e.Name);
        };
        watcher.Error += (_, e) =>
        {
            _logger.LogWarning("File watcher on {Path} failed ({Error}); falling back to a full scan", path, e.GetException().Message);
            _ = Task.Run(() =>
            {
                try
                {
                    Watch();
                }
                catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
                {
                    _logger.LogWarning("Could not re-attach watchers: {Error}", ex.Message);
                }

                FullScan("watcher error");
            });
        };
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    private void AttachRoot(string id)
    {
        if (_rootWatchers.ContainsKey(id) || !LibraryScanner.IsValidGameId(id))
        {
            return;
        }

        try
        {
            _rootWatchers[id] = NewWatcher(Path.Combine(_library.GameDirectory, id), id);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            _logger.LogDebug("Cannot watch {Id}: {Error}", id, ex.Message);
        }
    }

    private void Schedule(string? name)
    {
        if (name is null || name.Contains('/', StringComparison.Ordinal) || !LibraryScanner.IsValidGameId(name))
        {
            return;
        }

        var timer = _debounce.GetOrAdd(name, id => new Timer(_ => OnQuiet(id)));
        timer.Change(_options.RescanDebounce, Timeout.InfiniteTimeSpan);
    }

    private void OnQuiet(string id)
    {
        try
        {
            lock (_gate)
            {
                var root = Path.Combine(_library.GameDirectory, id);
                if (Directory.Exists(root))
                {
                    AttachRoot(id);
                }
                else if (_rootWatchers.Remove(id, out var gone))
                {
                    gone.Dispose();
                }
            }

            if (RescanOrHold(id))
            {
                _publisher.PublishLocalChange();
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning("Rescan of {Id} failed: {Error}", id, ex.Message);
        }
    }

    private bool RescanOrHold(string id)
    {
        if (_operations.IsBusy(id))
        {
            _held[id] = 0;
            return false;
        }

        return _library.RescanGame(id, deferHashing: true);
    }

    private void OnOperationEnded(string id)
    {
        _held.TryRemove(id, out _);
        if (_library.RescanGame(id, deferHashing: true))
        {
            _publisher.PublishLocalChange();
        }
    }

    private void DisposeWatchers()
    {
        _directoryWatcher?.Dispose();
        _directoryWatcher = null;
        foreach (var watcher in _rootWatchers.Values)
        {
            watcher.Dispose();
        }

        _rootWatchers.Clear();
    }
}
