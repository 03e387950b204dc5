using LanSpread.Core.Events;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Installing;
using LanSpread.Peer.Library;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LanSpread.Peer.Runtime;

/// <summary>
/// Install and uninstall without a running peer (the CLI's <c>install</c> and <c>uninstall</c> verbs):
/// the same coordinator, per-game claim and events as the <c>InstallGame</c> and <c>UninstallGame</c>
/// commands, so a host never builds an install transaction itself.
/// </summary>
public static class LocalInstalls
{
    /// <summary>Installs (or updates) a downloaded game; returns <see cref="InstallGameFinished"/> or <see cref="InstallGameFailed"/>.</summary>
    public static Task<PeerEvent> InstallAsync(string gameDirectory, string game, IUnpacker unpacker, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default) =>
        RunAsync(gameDirectory, game, unpacker, loggerFactory, (c, ct) => c.InstallAsync(game, ct), e => e is InstallGameFinished or InstallGameFailed, cancellationToken);

    /// <summary>Removes an installed game (<c>local/</c>); returns <see cref="UninstallGameFinished"/> or <see cref="UninstallGameFailed"/>.</summary>
    public static Task<PeerEvent> UninstallAsync(string gameDirectory, string game, IUnpacker unpacker, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default) =>
        RunAsync(gameDirectory, game, unpacker, loggerFactory, (c, ct) => c.UninstallAsync(game, ct), e => e is UninstallGameFinished or UninstallGameFailed, cancellationToken);

    private static async Task<PeerEvent> RunAsync(string gameDirectory, string game, IUnpacker unpacker, ILoggerFactory loggerFactory, Func<InstallCoordinator, CancellationToken, Task<bool>> run, Func<PeerEvent, bool> terminal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gameDirectory);
        ArgumentNullException.ThrowIfNull(game);
        ArgumentNullException.ThrowIfNull(unpacker);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var directory = LocalLibrary.ValidateGameDirectory(gameDirectory, requireWritable: true);
        var root = Path.Combine(directory, Core.Model.GameId.Validate(game, nameof(game)));
        var events = new EventBus(loggerFactory.CreateLogger<EventBus>());
        PeerEvent? outcome = null;
        events.Published += e =>
        {
            if (terminal(e))
            {
                outcome = e;
            }
        };
        // The outcome goes back to the caller, which reports it; the coordinator's own warning would say it twice.
        var coordinator = new InstallCoordinator(_ => root, new OperationTracker(), new InstallTransaction(unpacker, loggerFactory.CreateLogger<InstallTransaction>()), events, NullLogger.Instance);
        await run(coordinator, cancellationToken);
        events.Complete();
        return outcome ?? throw new InvalidOperationException($"the {game} transaction ended without an outcome");
    }
}
