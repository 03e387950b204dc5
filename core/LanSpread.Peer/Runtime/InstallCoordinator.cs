using LanSpread.Core.Events;
using LanSpread.Core.Model;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Download;
using LanSpread.Peer.FileSystem;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Runtime;

/// <summary>Runs install and uninstall transactions for commands, with their events and the per-game claim.</summary>
internal sealed class InstallCoordinator(RuntimeContext context)
{
    private readonly ILogger _logger = context.LoggerFactory.CreateLogger<InstallCoordinator>();

    public async Task<bool> InstallAsync(string game, CancellationToken cancellationToken)
    {
        var root = context.Library.RootOf(game);
        var mode = Directory.Exists(Path.Combine(root, GameRootLayout.LocalDirectory)) ? InstallMode.Update : InstallMode.Install;
        using var claim = context.Operations.TryBegin(game, OperationTracker.Install);
        if (claim is null)
        {
            context.Events.Publish(new InstallGameFailed(game, mode, $"a {context.Operations.RunningOperation(game)} of '{game}' is running"));
            return false;
        }

        context.Events.Publish(new InstallGameBegin(game, mode));
        try
        {
            var progress = new InstallProgressReporter(context.Events, game);
            mode = await context.Installer.InstallAsync(root, progress, cancellationToken);
            context.Events.Publish(new InstallGameFinished(game, mode));
            return true;
        }
        catch (Exception ex) when (ex is UnpackException or InvalidOperationException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            var reason = ex is OperationCanceledException ? "cancelled" : ex.Message;
            _logger.LogWarning("Install of {Game} failed: {Reason}", game, reason);
            context.Events.Publish(new InstallGameFailed(game, mode, reason));
            return false;
        }
    }

    /// <summary>
    /// A download followed by its install: the install streams behind the download when the unpacker can
    /// (it commits after the download's sentinel), else it runs after the download as before.
    /// </summary>
    public async Task DownloadAndInstallAsync(Func<Action<StagedDownload>?, Task<bool>> download, string game, CancellationToken cancellationToken)
    {
        StreamingInstall? streaming = null;
        Action<StagedDownload>? onStaged = context.Options.InstallAfterDownload && context.Options.StreamingInstall
            ? staged => streaming = StreamingInstall.TryStart(context, game, staged, cancellationToken)
            : null;
        var downloaded = await download(onStaged);
        if (streaming is not null)
        {
            await streaming.FinishAsync(downloaded);
        }
        else if (downloaded && context.Options.InstallAfterDownload)
        {
            await InstallAsync(game, cancellationToken);
        }
    }

    public async Task<bool> UninstallAsync(string game, CancellationToken cancellationToken)
    {
        using var claim = context.Operations.TryBegin(game, OperationTracker.Uninstall);
        if (claim is null)
        {
            context.Events.Publish(new UninstallGameFailed(game, $"a {context.Operations.RunningOperation(game)} of '{game}' is running"));
            return false;
        }

        context.Events.Publish(new UninstallGameBegin(game));
        try
        {
            await context.Installer.UninstallAsync(context.Library.RootOf(game), cancellationToken);
            context.Events.Publish(new UninstallGameFinished(game));
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            context.Events.Publish(new UninstallGameFailed(game, ex.Message));
            return false;
        }
    }
}
