using System.Collections.Concurrent;
using LanSpread.Core.Installing;
using LanSpread.Core.Model;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Download;
using LanSpread.Peer.Installing;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Runtime;

/// <summary>
/// A download followed by its install (DESIGN F.4): the install streams behind the download when the
/// unpacker can (a <see cref="StreamingInstall"/>, committing after the download's sentinel), else it runs
/// after the download through <see cref="InstallCoordinator"/>, as before.
/// </summary>
internal sealed class DownloadInstaller(PeerRuntimeOptions options, IInstallTransaction installer, InstallCoordinator installs, EventBus events, OperationTracker operations, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<StreamingInstall>();

    // Per game, the streaming install of an attempt until it has committed or rolled back. After its
    // download ended (cancelled, failed) the game is idle while it still rolls back .local.installing.
    private readonly ConcurrentDictionary<string, Task> _settling = new(StringComparer.Ordinal);

    /// <summary>Runs the download, then (or meanwhile) the install the options ask for.</summary>
    /// <param name="download">Runs the download, given the hook to call once its files are staged.</param>
    /// <param name="game">The game.</param>
    /// <param name="cancellationToken">Stops the runtime's work.</param>
    public async Task RunAsync(Func<Action<StagedDownload>?, Task<bool>> download, string game, CancellationToken cancellationToken)
    {
        // A new attempt right after a cancelled or failed one (a resume) waits for that attempt's streaming
        // install to roll back, instead of staging a new install over the one being removed. While a download
        // runs the game is busy and the pipeline refuses a second one, as before: no wait then.
        while (_settling.TryGetValue(game, out var previous) && !operations.IsBusy(game))
        {
            await previous.WaitAsync(cancellationToken);
        }

        StreamingInstall? streaming = null;
        var settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void StartStreaming(StagedDownload staged)
        {
            streaming = TryStart(game, staged, cancellationToken);
            if (streaming is not null)
            {
                _settling[game] = settled.Task; // before the download can end and publish its outcome
            }
        }

        Action<StagedDownload>? onStaged = options.InstallAfterDownload && options.StreamingInstall ? StartStreaming : null;
        try
        {
            var downloaded = await download(onStaged);
            if (streaming is not null)
            {
                await streaming.FinishAsync(downloaded);
            }
            else if (downloaded && options.InstallAfterDownload)
            {
                await installs.InstallAsync(game, cancellationToken);
            }
        }
        finally
        {
            _settling.TryRemove(KeyValuePair.Create(game, settled.Task));
            settled.TrySetResult();
        }
    }

    /// <summary>Starts a streaming install of the staged download, or returns null when it cannot stream (it then installs after the download).</summary>
    private StreamingInstall? TryStart(string game, StagedDownload staged, CancellationToken cancellationToken)
    {
        if (!options.StreamingInstall || installer is not InstallTransaction transaction)
        {
            return null;
        }

        try
        {
            if (transaction.StreamingUnpacker is not { } unpacker)
            {
                return null;
            }

            // The archives as the unpacker finds them among the staged files (their names; the bytes may still be missing).
            var archives = ((IUnpacker)unpacker).FindArchives(staged.StagingDirectory);
            if (archives.Count == 0 || !unpacker.CanStream(archives))
            {
                _logger.LogDebug("{Game}: no archive to stream among the staged files; it installs after the download", game);
                return null;
            }

            var mode = Directory.Exists(Path.Combine(staged.Root, FileSystem.GameRootLayout.LocalDirectory)) ? InstallMode.Update : InstallMode.Install;
            _logger.LogInformation("{Game}: installing while downloading ({Archives})", game, string.Join(", ", archives.Select(Path.GetFileName)));
            return new StreamingInstall(events, operations, _logger, game, mode, staged, transaction, archives, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Loading the unpacker plugin failed, say: the install after the download reports it.
            _logger.LogWarning("{Game}: cannot install while downloading ({Error}); it installs after the download", game, ex.Message);
            return null;
        }
    }
}
