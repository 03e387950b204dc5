using LanSpread.Core.Events;
using LanSpread.Core.Model;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Download;
using LanSpread.Peer.Installing;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Runtime;

/// <summary>
/// One install running behind its download (DESIGN F.4): started when the download has staged its files,
/// it unpacks over the verified ranges into <c>.local.installing/</c>, and commits only when
/// <see cref="FinishAsync"/> says the download committed. Its outcome events (finished/failed) are
/// published after the download's own, so a host sees download-then-install as before; only
/// <see cref="InstallGameBegin"/> and the progress come earlier.
/// </summary>
internal sealed class StreamingInstall
{
    private readonly RuntimeContext _context;
    private readonly ILogger _logger;
    private readonly string _game;
    private readonly InstallMode _mode;
    private readonly StagedDownload _staged;
    private readonly TaskCompletionSource<bool> _downloadCommitted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task<InstallMode> _install;

    private StreamingInstall(RuntimeContext context, string game, InstallMode mode, StagedDownload staged, InstallTransaction transaction, IReadOnlyList<string> archives, CancellationToken cancellationToken)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<StreamingInstall>();
        _game = game;
        _mode = mode;
        _staged = staged;
        context.Events.Publish(new InstallGameBegin(game, mode));
        var progress = new InstallProgressReporter(context.Events, game);
        _install = Task.Run(() => transaction.InstallStreamingAsync(staged.Root, archives, path => staged.Open(path, cancellationToken), _downloadCommitted.Task, progress, cancellationToken), CancellationToken.None);
    }

    /// <summary>
    /// A download followed by its install: the install streams behind the download when the unpacker can
    /// (it commits after the download's sentinel), else it runs after the download as before.
    /// </summary>
    /// <param name="context">The runtime.</param>
    /// <param name="installs">Runs the install after the download when it cannot stream.</param>
    /// <param name="download">Runs the download, given the hook to call once its files are staged.</param>
    /// <param name="game">The game.</param>
    /// <param name="cancellationToken">Stops the runtime's work.</param>
    public static async Task DownloadAndInstallAsync(RuntimeContext context, InstallCoordinator installs, Func<Action<StagedDownload>?, Task<bool>> download, string game, CancellationToken cancellationToken)
    {
        StreamingInstall? streaming = null;
        Action<StagedDownload>? onStaged = context.Options.InstallAfterDownload && context.Options.StreamingInstall
            ? staged => streaming = TryStart(context, game, staged, cancellationToken)
            : null;
        var downloaded = await download(onStaged);
        if (streaming is not null)
        {
            await streaming.FinishAsync(downloaded);
        }
        else if (downloaded && context.Options.InstallAfterDownload)
        {
            await installs.InstallAsync(game, cancellationToken);
        }
    }

    /// <summary>Starts a streaming install of the staged download, or returns null when it cannot stream (it then installs after the download).</summary>
    public static StreamingInstall? TryStart(RuntimeContext context, string game, StagedDownload staged, CancellationToken cancellationToken)
    {
        if (!context.Options.StreamingInstall || context.Installer is not InstallTransaction transaction)
        {
            return null;
        }

        var logger = context.LoggerFactory.CreateLogger<StreamingInstall>();
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
                logger.LogDebug("{Game}: no archive to stream among the staged files; it installs after the download", game);
                return null;
            }

            var mode = Directory.Exists(Path.Combine(staged.Root, FileSystem.GameRootLayout.LocalDirectory)) ? InstallMode.Update : InstallMode.Install;
            logger.LogInformation("{Game}: installing while downloading ({Archives})", game, string.Join(", ", archives.Select(Path.GetFileName)));
            return new StreamingInstall(context, game, mode, staged, transaction, archives, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Loading the unpacker plugin failed, say: the install after the download reports it.
            logger.LogWarning("{Game}: cannot install while downloading ({Error}); it installs after the download", game, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// Tells the install whether the download committed, waits for it to commit or roll back, and publishes
    /// the outcome. Returns whether the game is installed.
    /// </summary>
    public async Task<bool> FinishAsync(bool downloadCommitted)
    {
        if (!downloadCommitted)
        {
            _staged.Stop("the download did not complete");
            _downloadCommitted.TrySetResult(false);
            await _install.ContinueWith(_ => { }, TaskScheduler.Default);
            _logger.LogInformation("{Game}: the download did not complete; the streaming install was rolled back", _game);
            _context.Events.Publish(new InstallGameFailed(_game, _mode, "the download did not complete; the install was rolled back (the verified chunks are kept)"));
            return false;
        }

        // The download released the game; hold it for the install's commit, as an install after a download would.
        using var claim = _context.Operations.TryBegin(_game, OperationTracker.Install);
        _downloadCommitted.TrySetResult(claim is not null);
        try
        {
            var mode = await _install;
            _context.Events.Publish(new InstallGameFinished(_game, mode));
            return true;
        }
        catch (Exception ex) when (ex is UnpackException or InvalidOperationException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            var reason = claim is null
                ? $"a {_context.Operations.RunningOperation(_game)} of '{_game}' started; the install was rolled back"
                : ex is OperationCanceledException ? "cancelled" : ex.Message;
            _logger.LogWarning("Install of {Game} failed: {Reason}", _game, reason);
            _context.Events.Publish(new InstallGameFailed(_game, _mode, reason));
            return false;
        }
    }
}
