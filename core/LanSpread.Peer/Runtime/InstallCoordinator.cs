using LanSpread.Core.Events;
using LanSpread.Core.Installing;
using LanSpread.Core.Model;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.FileSystem;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Runtime;

/// <summary>
/// Runs install and uninstall transactions for commands, with their events and the per-game claim.
/// Also used without a running peer (<see cref="LocalInstalls"/>), so it takes its parts one by one.
/// </summary>
internal sealed class InstallCoordinator(Func<string, string> rootOf, OperationTracker operations, IInstallTransaction installer, EventBus events, ILogger logger)
{
    public async Task<bool> InstallAsync(string game, CancellationToken cancellationToken)
    {
        var root = rootOf(game);
        var mode = Directory.Exists(Path.Combine(root, GameRootLayout.LocalDirectory)) ? InstallMode.Update : InstallMode.Install;
        using var claim = operations.TryBegin(game, OperationTracker.Install);
        if (claim is null)
        {
            events.Publish(new InstallGameFailed(game, mode, $"a {operations.RunningOperation(game)} of '{game}' is running"));
            return false;
        }

        events.Publish(new InstallGameBegin(game, mode));
        try
        {
            var progress = new InstallProgressReporter(events, game);
            mode = await installer.InstallAsync(root, progress, cancellationToken);
            events.Publish(new InstallGameFinished(game, mode));
            return true;
        }
        catch (Exception ex) when (ex is UnpackException or InvalidOperationException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            var reason = ex is OperationCanceledException ? "cancelled" : ex.Message;
            logger.LogWarning("Install of {Game} failed: {Reason}", game, reason);
            events.Publish(new InstallGameFailed(game, mode, reason));
            return false;
        }
    }

    public async Task<bool> UninstallAsync(string game, CancellationToken cancellationToken)
    {
        using var claim = operations.TryBegin(game, OperationTracker.Uninstall);
        if (claim is null)
        {
            events.Publish(new UninstallGameFailed(game, $"a {operations.RunningOperation(game)} of '{game}' is running"));
            return false;
        }

        events.Publish(new UninstallGameBegin(game));
        try
        {
            await installer.UninstallAsync(rootOf(game), cancellationToken);
            events.Publish(new UninstallGameFinished(game));
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            events.Publish(new UninstallGameFailed(game, ex.Message));
            return false;
        }
    }
}
