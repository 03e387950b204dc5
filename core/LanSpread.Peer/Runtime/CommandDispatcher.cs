using System.Threading.Channels;
using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Core.Model;
using LanSpread.Peer.Download;
using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Runtime;

/// <summary>
/// Reads <see cref="PeerCommand"/>s in order and starts the work each asks for. Quick commands are
/// answered inline; downloads and installs run as their own tasks. Every command gets an answer: an
/// event of its own, or <see cref="CommandFailed"/> with a reason — never silence.
/// </summary>
internal sealed class CommandDispatcher(EventBus events, PeerGameDB peerGameDb, LocalLibrary library, LibraryPublisher publisher, DownloadPipeline downloads, InstallCoordinator installs,
    DownloadInstaller downloadInstaller, GameDownloadOrchestrator orchestrator, LocalGameMonitor monitor, ILogger<CommandDispatcher> logger)
{
    private readonly ILogger _logger = logger;
    private readonly List<Task> _work = [];

    public async Task RunAsync(ChannelReader<PeerCommand> commands, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var command in commands.ReadAllAsync(cancellationToken))
            {
                try
                {
                    Dispatch(command, cancellationToken);
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "Command {Command} failed", command.GetType().Name);
                    events.Publish(new CommandFailed(command.GetType().Name, ex.Message));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        Task[] running;
        lock (_work)
        {
            running = [.. _work];
        }

        await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private void Dispatch(PeerCommand command, CancellationToken cancellationToken)
    {
        // A game id becomes a directory name: one that breaks the rule never reaches the pipelines.
        if (GameIdOf(command) is { } id && GameId.Problem(id) is { } problem)
        {
            events.Publish(new CommandFailed(command.GetType().Name, $"'{GameId.Printable(id)}' is not a game id: {problem}"));
            return;
        }

        switch (command)
        {
            case ListGames:
                publisher.PublishSnapshot();
                break;
            case GetPeerCount:
                events.Publish(new PeerCountChanged(peerGameDb.Count));
                break;
            case GetGame get:
                Run(() => downloads.FetchDetailsAsync(get.Id, cancellationToken));
                break;
            case FetchLatestFromPeers fetch:
                Run(() => downloads.FetchDetailsAsync(fetch.Id, cancellationToken));
                break;
            case DownloadGame game:
                Run(() => orchestrator.RunAsync(game, cancellationToken));
                break;
            case DownloadGameFiles download:
                Run(() => downloadInstaller.RunAsync(
                    onStaged => downloads.DownloadAsync(download.Id, download.Files, download.AllowDowngrade, cancellationToken, onStaged), download.Id, cancellationToken));
                break;
            case CancelDownload cancel:
                if (!downloads.Cancel(cancel.Id, "cancelled by the user"))
                {
                    events.Publish(new CommandFailed(nameof(CancelDownload), $"no download of '{cancel.Id}' is running"));
                }

                break;
            case DiscardDownload discard:
                Run(() => downloads.DiscardAsync(discard.Id, cancellationToken));
                break;
            case InstallGame install:
                Run(() => installs.InstallAsync(install.Id, cancellationToken));
                break;
            case UninstallGame uninstall:
                Run(() => installs.UninstallAsync(uninstall.Id, cancellationToken));
                break;
            case SetGameDir set:
                try
                {
                    library.SetGameDirectory(set.Path);
                }
                catch (ArgumentException ex)
                {
                    events.Publish(new CommandFailed(nameof(SetGameDir), ex.Message));
                    break;
                }

                monitor.Watch();
                events.Publish(new GameDirChanged(library.GameDirectory));
                publisher.PublishLocalChange();
                break;
            default:
                events.Publish(new CommandFailed(command.GetType().Name, "this runtime does not know the command"));
                break;
        }
    }

    private static string? GameIdOf(PeerCommand command) => command switch
    {
        GetGame c => c.Id ?? string.Empty,
        FetchLatestFromPeers c => c.Id ?? string.Empty,
        DownloadGameFiles c => c.Id ?? string.Empty,
        DownloadGame c => c.Id ?? string.Empty,
        CancelDownload c => c.Id ?? string.Empty,
        DiscardDownload c => c.Id ?? string.Empty,
        InstallGame c => c.Id ?? string.Empty,
        UninstallGame c => c.Id ?? string.Empty,
        _ => null,
    };

    private void Run(Func<Task> work)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await work();
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Background command failed");
                events.Publish(new RuntimeFailed("commands", ex.Message));
            }
        });
        lock (_work)
        {
            _work.RemoveAll(t => t.IsCompleted);
            _work.Add(task);
        }
    }
}
