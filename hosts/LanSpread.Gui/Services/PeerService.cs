using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Core.Model;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Library;

namespace LanSpread.Gui.Services;

/// <summary>
/// The GUI's hold on the peer runtime (the desktop shell's state in the original): the runtime handle,
/// the merged library, per-game operation state and the peer count. A background loop fans runtime
/// events out to the pages through <see cref="Changed"/>; pages never poll. The runtime is started on
/// demand: at start-up with the given (or default) game directory, or when one is chosen in Settings.
/// </summary>
public sealed class PeerService : IHostedService, IAsyncDisposable
{
    private readonly GuiSettings _settings;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, GameOperation> _operations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _awaitingFiles = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask;

    public PeerService(GuiSettings settings, ILoggerFactory loggerFactory)
    {
        _settings = settings;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<PeerService>();
    }

    public event Action? Changed;

    public PeerHost? Host { get; private set; }

    public IReadOnlyList<Game> Games { get; private set; } = [];

    public int PeerCount { get; private set; }

    public string? StartError { get; private set; }

    public string GameDirectory => Host?.Runtime.Library.GameDirectory ?? _settings.Host.GameDirectory;

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
            await StartRuntimeAsync(_settings.Host, cancellationToken);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or Peer.Composition.PluginSelectionException or CatalogException)
        {
            // The page shows it; Settings can choose another directory and start the runtime then.
            StartError = ex.Message;
            _logger.LogWarning("The peer runtime did not start: {Error}", ex.Message);
        }
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
    }

    public Task DownloadAsync(string game) => RequestFilesAsync(game, new GetGame(game));

    public Task UpdateAsync(string game) => RequestFilesAsync(game, new FetchLatestFromPeers(game));

    public Task InstallAsync(string game) => SendAsync(new InstallGame(game));

    public Task UninstallAsync(string game) => SendAsync(new UninstallGame(game));

    public Task CancelAsync(string game) => SendAsync(new CancelDownload(game));

    /// <summary>Validates (exists, is a directory, writable) and switches, starting the runtime if needed; returns an error a person can act on, or null.</summary>
    public async Task<string?> SetGameDirectoryAsync(string path)
    {
        string full;
        try
        {
            full = LocalLibrary.ValidateGameDirectory(path, requireWritable: true);
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }

        if (Host is null)
        {
            try
            {
                await StartRuntimeAsync(_settings.Host with { GameDirectory = full }, _stop.Token);
                StartError = null;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                return ex.Message;
            }
        }
        else
        {
            await Host.Runtime.SendAsync(new SetGameDir(full));
        }

        Notify();
        return null;
    }

    private async Task StartRuntimeAsync(PeerHostSettings settings, CancellationToken cancellationToken)
    {
        Host = await PeerHost.StartAsync(settings, _loggerFactory, cancellationToken);
        _pump = Task.Run(() => PumpAsync(Host, _stop.Token), CancellationToken.None);
        await Host.Runtime.SendAsync(new ListGames(), cancellationToken);
    }

    private async Task RequestFilesAsync(string game, PeerCommand command)
    {
        lock (_gate)
        {
            _awaitingFiles.Add(game);
            _operations[game] = new GameOperation(GameOperationKind.Requesting);
        }

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
            case GotGameFiles files:
                bool wanted;
                lock (_gate)
                {
                    wanted = _awaitingFiles.Remove(files.Game);
                }

                if (wanted)
                {
                    await host.Runtime.SendAsync(new DownloadGameFiles(files.Game, files.Files));
                }

                break;
            case NoPeersHaveGame none:
                Set(none.Game, new GameOperation(GameOperationKind.Failed, Error: "no peer on the LAN has this game"));
                break;
            case DownloadGameFilesBegin begin:
                Set(begin.Game, new GameOperation(GameOperationKind.Downloading, 0, begin.TotalBytes, 0, begin.Peers.Select(p => p.Name).ToList()));
                break;
            case DownloadProgress progress:
                Update(progress.Game, op => op with { BytesDone = progress.BytesDone, TotalBytes = progress.TotalBytes, BytesPerSecond = progress.BytesPerSecond });
                break;
            case ChunkCompleted chunk:
                _logger.LogDebug("Chunk {File}@{Offset}+{Length} of {Game} from {Peer}", chunk.File, chunk.Offset, chunk.Length, chunk.Game, chunk.Peer);
                break;
            case DownloadGameFilesFinished finished:
                Set(finished.Game, null);
                break;
            case DownloadGameFilesFailed failed:
                Set(failed.Game, new GameOperation(GameOperationKind.Failed, Error: failed.Reason));
                break;
            case DownloadGameFilesCancelled cancelled:
                Set(cancelled.Game, new GameOperation(GameOperationKind.Failed, Error: $"cancelled ({cancelled.Reason})"));
                break;
            case InstallGameBegin install:
                Set(install.Game, new GameOperation(GameOperationKind.Installing));
                break;
            case InstallProgress progress:
                Update(progress.Game, op => op with { BytesDone = progress.BytesDone, TotalBytes = progress.TotalBytes });
                break;
            case InstallGameFinished installed:
                Set(installed.Game, null);
                break;
            case InstallGameFailed failed:
                Set(failed.Game, new GameOperation(GameOperationKind.Failed, Error: failed.Reason));
                break;
            case UninstallGameBegin uninstall:
                Set(uninstall.Game, new GameOperation(GameOperationKind.Uninstalling));
                break;
            case UninstallGameFinished uninstalled:
                Set(uninstalled.Game, null);
                break;
            case UninstallGameFailed failed:
                Set(failed.Game, new GameOperation(GameOperationKind.Failed, Error: failed.Reason));
                break;
        }
    }

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
