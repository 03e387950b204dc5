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
    private readonly EventBus _events;
    private readonly OperationTracker _operations;
    private readonly ILogger _logger;
    private readonly string _game;
    private readonly InstallMode _mode;
    private readonly StagedDownload _staged;
    private readonly TaskCompletionSource<bool> _downloadCommitted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task<InstallMode> _install;

    /// <summary>Starts the install at once (publishing <see cref="InstallGameBegin"/>); <see cref="DownloadInstaller"/> decides whether it can stream.</summary>
    public StreamingInstall(EventBus events, OperationTracker operations, ILogger logger, string game, InstallMode mode, StagedDownload staged, InstallTransaction transaction, IReadOnlyList<string> archives, CancellationToken cancellationToken)
    {
        _events = events;
        _operations = operations;
        _logger = logger;
        _game = game;
        _mode = mode;
        _staged = staged;
        events.Publish(new InstallGameBegin(game, mode));
        var progress = new InstallProgressReporter(events, game);
        _install = Task.Run(() => transaction.InstallStreamingAsync(staged.Root, archives, path => staged.Open(path, cancellationToken), _downloadCommitted.Task, progress, cancellationToken), CancellationToken.None);
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
            _events.Publish(new InstallGameFailed(_game, _mode, "the download did not complete; the install was rolled back (the verified chunks are kept)"));
            return false;
        }

        // The download released the game; hold it for the install's commit, as an install after a download would.
        using var claim = _operations.TryBegin(_game, OperationTracker.Install);
        _downloadCommitted.TrySetResult(claim is not null);
        try
        {
            var mode = await _install;
            _events.Publish(new InstallGameFinished(_game, mode));
            return true;
        }
        catch (Exception ex) when (ex is UnpackException or InvalidOperationException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            var reason = claim is null
                ? $"a {_operations.RunningOperation(_game)} of '{_game}' started; the install was rolled back"
                : ex is OperationCanceledException ? "cancelled" : ex.Message;
            _logger.LogWarning("Install of {Game} failed: {Reason}", _game, reason);
            _events.Publish(new InstallGameFailed(_game, _mode, reason));
            return false;
        }
    }
}
