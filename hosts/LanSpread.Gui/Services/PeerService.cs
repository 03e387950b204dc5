using System.Net;
using System.Net.Sockets;
using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Core.Model;
using LanSpread.Hosting;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Library;
using LanSpread.Peer.Runtime;

namespace LanSpread.Gui.Services;

/// <summary>
/// The GUI's hold on the peer runtime (the desktop shell's state in the original): the runtime handle,
/// the merged library, per-game operation state, the peers and their rates. A background loop fans
/// runtime events out to the pages through <see cref="Changed"/>; pages never poll. The runtime is
/// started on demand: at start-up with the given (or default) game directory, or when one is chosen in
/// Settings. A busy peer port is retried (a previous GUI may still be exiting) and then given up for
/// any free port, with a notice the page shows.
/// </summary>
public sealed class PeerService : IHostedService, IAsyncDisposable
{
    /// <summary>Attempts on a busy port before falling back to any free port.</summary>
    public const int PortAttempts = 3;

    private static readonly TimeSpan PortRetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(500);

    private readonly GuiSettings _settings;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, GameOperation> _operations = new(StringComparer.Ordinal);
    private readonly Dictionary<PeerId, PeerInfo> _peers = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask;
    private Task _ticker = Task.CompletedTask;

    public PeerService(GuiSettings settings, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _settings = settings;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<PeerService>();
    }

    public event Action? Changed;

    public PeerHost? Host { get; private set; }

    public IReadOnlyList<Game> Games { get; private set; } = [];

    public int PeerCount { get; private set; }

    public string? StartError { get; private set; }

    /// <summary>Set when the peer listens elsewhere than asked (the port was busy): what happened, in words.</summary>
    public string? ListenNotice { get; private set; }

    public ThroughputMeter Throughput { get; } = new(DateTimeOffset.UtcNow);

    public string GameDirectory => Host?.Runtime.Library.GameDirectory ?? _settings.Host.GameDirectory;

    /// <summary>The settings the peer runs with (upload limits, swarming), as given on the command line.</summary>
    public PeerHostSettings HostSettings => _settings.Host;

    public IReadOnlyList<PeerInfo> KnownPeers
    {
        get
        {
            lock (_gate)
            {
                return _peers.Values.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Id.Value, StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>The complete copies a peer offers.</summary>
    public IReadOnlyList<GameSummary> GamesOf(PeerId peer) => Host?.Runtime.PeerGameDb.GamesOf(peer) ?? [];

    public Game? GameOf(string id) => Games.FirstOrDefault(g => string.Equals(g.Id, id, StringComparison.Ordinal));

    public GameOperation? OperationOf(string game)
    {
        lock (_gate)
        {
            return _operations.GetValueOrDefault(game);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await StartWithPortFallbackAsync(_settings.Host, cancellationToken);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or Peer.Composition.PluginSelectionException or CatalogException)
        {
            // The page shows it; Settings can choose another directory and start the runtime then.
            StartError = FriendlyMessages.Of(ex.Message);
            _logger.LogWarning("The peer runtime did not start: {Error}", ex.Message);
        }

        _ticker = Task.Run(() => TickAsync(_stop.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await _pump.ContinueWith(_ => { }, TaskScheduler.Default);
        await _ticker.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public Task DownloadAsync(string game) => RequestAsync(game, new DownloadGame(game), GameAction.Download);

    public Task UpdateAsync(string game) => RequestAsync(game, new DownloadGame(game), GameAction.Update);

    public Task InstallAsync(string game) => BeginAsync(game, new InstallGame(game), GameOperationKind.Installing, GameAction.Install);

    public Task UninstallAsync(string game) => BeginAsync(game, new UninstallGame(game), GameOperationKind.Uninstalling, GameAction.Uninstall);

    /// <summary>Pauses a download: the runtime keeps its verified chunks (Resume fetches only the rest).</summary>
    public Task CancelAsync(string game) => SendAsync(new CancelDownload(game));

    /// <summary>Deletes a paused download's partial data; the version held before is not touched.</summary>
    public Task DiscardAsync(string game) => SendAsync(new DiscardDownload(game));

    /// <summary>The user confirmed replacing the newer version here by the older one the peers offer.</summary>
    public Task DowngradeAsync(string game) => RequestAsync(game, new DownloadGame(game, AllowDowngrade: true), GameAction.Download);

    /// <summary>Repeats what failed (or was cancelled) on a game.</summary>
    public Task RetryAsync(string game) => OperationOf(game)?.Action switch
    {
        GameAction.Update => UpdateAsync(game),
        GameAction.Install => InstallAsync(game),
        GameAction.Uninstall => UninstallAsync(game),
        _ => DownloadAsync(game),
    };

    /// <summary>Forgets a shown failure or cancellation.</summary>
    public Task DismissAsync(string game)
    {
        lock (_gate)
        {
            if (_operations.TryGetValue(game, out var operation) && !operation.IsActive)
            {
                _operations.Remove(game);
            }
        }

        Notify();
        return Task.CompletedTask;
    }

    /// <summary>Validates (full path, exists, is a directory, writable) and switches, starting the runtime if needed; returns an error a person can act on, or null.</summary>
    public async Task<string?> SetGameDirectoryAsync(string path)
    {
        if (DirectoryInput.Problem(path) is { } problem)
        {
            return problem;
        }

        var busy = Running();
        if (busy is not null)
        {
            // The runtime's operations hold paths in the current directory: switching under them would
            // land the archive in one directory and the install in the other.
            return $"{busy} is running. Cancel it or wait until it finishes, then switch the game directory.";
        }

        string full;
        try
        {
            full = LocalLibrary.ValidateGameDirectory(path.Trim(), requireWritable: true);
        }
        catch (ArgumentException ex)
        {
            return Sentence(FriendlyMessages.Of(ex.Message));
        }

        if (Host is null)
        {
            try
            {
                await StartWithPortFallbackAsync(_settings.Host with { GameDirectory = full }, _stop.Token);
                StartError = null;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                return Sentence(FriendlyMessages.Of(ex.Message));
            }
        }
        else
        {
            await Host.Runtime.SendAsync(new SetGameDir(full));
        }

        lock (_gate)
        {
            // Failures and cancellations shown were about games in the old directory.
            foreach (var game in _operations.Where(kv => !kv.Value.IsActive).Select(kv => kv.Key).ToList())
            {
                _operations.Remove(game);
            }
        }

        Notify();
        return null;
    }

    private static string Sentence(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..] + (text.EndsWith('.') ? string.Empty : ".");

    /// <summary>"A download of X" when something is running, else null.</summary>
    private string? Running()
    {
        lock (_gate)
        {
            var (game, operation) = _operations.FirstOrDefault(kv => kv.Value.IsActive);
            if (operation is null)
            {
                return null;
            }

            var name = GameOf(game)?.Name ?? game;
            return operation.Kind switch
            {
                GameOperationKind.Installing => $"The install of {name}",
                GameOperationKind.Uninstalling => $"The uninstall of {name}",
                _ => $"A download of {name}",
            };
        }
    }

    private async Task StartWithPortFallbackAsync(PeerHostSettings settings, CancellationToken cancellationToken)
    {
        // The port is asked for explicitly even when it is the default, so a busy one is retried here
        // (a previous GUI may still be exiting) before any free port is taken.
        var wanted = settings.Listen ?? new PeerRuntimeOptions().ListenEndPoint;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartRuntimeAsync(settings with { Listen = wanted }, cancellationToken);
                return;
            }
            catch (InvalidOperationException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } && wanted.Port != 0)
            {
                if (attempt < PortAttempts)
                {
                    _logger.LogInformation("Port {Port} is busy (attempt {Attempt} of {Attempts}); retrying", wanted.Port, attempt, PortAttempts);
                    await Task.Delay(PortRetryDelay, cancellationToken);
                    continue;
                }

                await StartRuntimeAsync(settings with { Listen = new IPEndPoint(wanted.Address, 0) }, cancellationToken);
                var port = Host!.Runtime.LocalEndPoint.Port;
                ListenNotice = $"Port {wanted.Port} was in use (is another LanSpread running on this computer?), so this peer listens on port {port} instead. "
                    + "Peers on the LAN still find it by mDNS; a peer that adds this computer by address needs the new port.";
                _logger.LogWarning("Port {Wanted} is in use; listening on {Port} instead", wanted.Port, port);
                return;
            }
        }
    }

    private async Task StartRuntimeAsync(PeerHostSettings settings, CancellationToken cancellationToken)
    {
        Host = await PeerHost.StartAsync(settings, _loggerFactory, cancellationToken);
        _pump = Task.Run(() => PumpAsync(Host, _stop.Token), CancellationToken.None);
        await Host.Runtime.SendAsync(new ListGames(), cancellationToken);
    }

    /// <summary>One DownloadGame: the runtime fetches the details, downloads and installs; the events drive the state shown.</summary>
    private async Task RequestAsync(string game, PeerCommand command, GameAction action)
    {
        lock (_gate)
        {
            _operations[game] = new GameOperation(GameOperationKind.Requesting, Action: action);
        }

        Notify();
        await SendAsync(command);
    }

    private async Task BeginAsync(string game, PeerCommand command, GameOperationKind kind, GameAction action)
    {
        // Shown at once (a failure from an earlier try is replaced), then confirmed by the runtime's Begin event.
        Set(game, new GameOperation(kind, Action: action));
        Notify();
        await SendAsync(command);
    }

    private async Task SendAsync(PeerCommand command)
    {
        if (Host is not null)
        {
            await Host.Runtime.SendAsync(command);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TickInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (Throughput.Tick(DateTimeOffset.UtcNow))
                {
                    Notify();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PumpAsync(PeerHost host, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var peerEvent in host.Runtime.Events.ReadAllAsync(cancellationToken))
            {
                try
                {
                    await ApplyAsync(host, peerEvent);
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "Applying {Event} failed", peerEvent.GetType().Name);
                }

                Notify();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ApplyAsync(PeerHost host, PeerEvent peerEvent)
    {
        switch (peerEvent)
        {
            case LibrarySnapshot snapshot:
                Games = snapshot.Games;
                break;
            case PeerCountChanged count:
                PeerCount = count.Count;
                break;
            case PeerDiscovered found:
                lock (_gate)
                {
                    _peers[found.PeerId] = new PeerInfo(found.Peer, found.PeerId, found.Address, found.Source, DateTimeOffset.UtcNow);
                }

                break;
            case PeerLost lost:
                lock (_gate)
                {
                    _peers.Remove(lost.PeerId);

                    // A pruned peer no longer serves: drop it from every running download at once.
                    foreach (var (game, operation) in _operations.Where(kv => kv.Value.Peers?.Contains(lost.Peer) == true).ToList())
                    {
                        _operations[game] = operation with { Peers = operation.Peers!.Where(p => p != lost.Peer).ToList() };
                    }
                }

                break;
            case NoPeersHaveGame none:
                Fail(none.Game, "no peer on the LAN offers this game right now", GameAction.Download);
                break;
            case DownloadGameFilesBegin begin:
                Throughput.Begin(begin.Game);
                Set(begin.Game, new GameOperation(GameOperationKind.Downloading, begin.ReusedBytes, begin.TotalBytes, 0, begin.Peers.Select(p => p.Name).ToList(), Action: ActionOf(begin.Game, GameAction.Download), ReusedBytes: begin.ReusedBytes));
                break;
            case DownloadProgress progress:
                Update(progress.Game, op => op with { BytesDone = progress.BytesDone, TotalBytes = progress.TotalBytes, BytesPerSecond = progress.BytesPerSecond, Swarm = SwarmSummary.Describe(progress) ?? op.Swarm });
                break;
            case ChunkCompleted chunk:
                Throughput.Add(chunk.Game, chunk.PeerId, chunk.Peer, chunk.Length);
                _logger.LogDebug("Chunk {File}@{Offset}+{Length} of {Game} from {Peer}", chunk.File, chunk.Offset, chunk.Length, chunk.Game, chunk.Peer);
                break;
            case DownloadGameFilesFinished finished:
                Throughput.End(finished.Game);
                // An install streaming behind the download carries on alone: show its bar, else nothing runs.
                Set(finished.Game, OperationOf(finished.Game) is { InstallTotalBytes: > 0 } streamed
                    ? new GameOperation(GameOperationKind.Installing, streamed.InstallBytesDone, streamed.InstallTotalBytes, Action: GameAction.Install)
                    : null);
                break;
            case DownloadGameFilesFailed failed:
                Throughput.End(failed.Game);
                Set(failed.Game, new GameOperation(GameOperationKind.Failed, Error: FriendlyMessages.Of(failed.Reason), Action: ActionOf(failed.Game, GameAction.Download),
                    OfferDowngrade: failed.Reason.Contains("not downgrading", StringComparison.Ordinal)));
                break;
            case DownloadGameFilesCancelled cancelled:
                Throughput.End(cancelled.Game);
                var total = OperationOf(cancelled.Game)?.TotalBytes ?? 0;
                Set(cancelled.Game, cancelled.KeptBytes > 0
                    ? new GameOperation(GameOperationKind.Paused, cancelled.KeptBytes, total, Action: ActionOf(cancelled.Game, GameAction.Download))
                    : new GameOperation(GameOperationKind.Cancelled, Error: FriendlyMessages.Of(cancelled.Reason), Action: ActionOf(cancelled.Game, GameAction.Download)));
                break;
            case DownloadDiscarded discarded:
                Set(discarded.Game, null);
                break;
            case GameUpToDate upToDate:
                Set(upToDate.Game, upToDate.Installing ? new GameOperation(GameOperationKind.Installing, Action: GameAction.Install) : null);
                break;
            case PeerBanned banned:
                Update(banned.Game, op => op with { Peers = op.Peers?.Where(p => p != banned.Peer).ToList() });
                break;
            case InstallGameBegin install when OperationOf(install.Game)?.Kind == GameOperationKind.Downloading:
                Update(install.Game, op => op with { InstallTotalBytes = Math.Max(1, op.InstallTotalBytes) }); // streaming behind the download: both bars
                break;
            case InstallGameBegin install:
                Set(install.Game, new GameOperation(GameOperationKind.Installing, Action: GameAction.Install));
                break;
            case InstallProgress progress:
                Update(progress.Game, op => op.Kind == GameOperationKind.Downloading
                    ? op with { InstallBytesDone = progress.BytesDone, InstallTotalBytes = Math.Max(1, progress.TotalBytes) }
                    : op with { BytesDone = progress.BytesDone, TotalBytes = progress.TotalBytes });
                break;
            case InstallGameFinished installed:
                Set(installed.Game, null);
                break;
            case InstallGameFailed failed when OperationOf(failed.Game)?.Kind is GameOperationKind.Paused or GameOperationKind.Cancelled
                || (OperationOf(failed.Game)?.Kind == GameOperationKind.Failed && OperationOf(failed.Game)?.Action == GameAction.Download):
                break; // a streaming install rolled back with its download: the download's state says what happened
            case InstallGameFailed failed:
                Fail(failed.Game, failed.Reason, GameAction.Install);
                break;
            case UninstallGameBegin uninstall:
                Set(uninstall.Game, new GameOperation(GameOperationKind.Uninstalling, Action: GameAction.Uninstall));
                break;
            case UninstallGameFinished uninstalled:
                Set(uninstalled.Game, null);
                break;
            case UninstallGameFailed failed:
                Fail(failed.Game, failed.Reason, GameAction.Uninstall);
                break;
        }
    }

    private GameAction ActionOf(string game, GameAction otherwise)
    {
        lock (_gate)
        {
            return _operations.TryGetValue(game, out var operation) ? operation.Action : otherwise;
        }
    }

    private void Fail(string game, string reason, GameAction action) =>
        Set(game, new GameOperation(GameOperationKind.Failed, Error: FriendlyMessages.Of(reason), Action: action));

    private void Set(string game, GameOperation? operation)
    {
        lock (_gate)
        {
            if (operation is null)
            {
                _operations.Remove(game);
            }
            else
            {
                _operations[game] = operation;
            }
        }
    }

    private void Update(string game, Func<GameOperation, GameOperation> change)
    {
        lock (_gate)
        {
            if (_operations.TryGetValue(game, out var operation))
            {
                _operations[game] = change(operation);
            }
        }
    }

    private void Notify() => Changed?.Invoke();
}
