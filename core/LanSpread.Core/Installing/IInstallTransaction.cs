using LanSpread.Core.Model;
using LanSpread.Core.Unpacking;

namespace LanSpread.Core.Installing;

/// <summary>
/// Crash-safe install, update and uninstall of one game root, and start-up recovery. Each operation
/// ends either in the old state or the new one, never a mix, even if the process dies at any step.
/// </summary>
public interface IInstallTransaction
{
    /// <summary>Unpacks the root's archive and makes it <c>local/</c> (an update when <c>local/</c> exists).</summary>
    /// <param name="gameRoot">The game root.</param>
    /// <param name="progress">Unpack progress; may be null.</param>
    /// <param name="cancellationToken">Cancels the operation (it then rolls back).</param>
    /// <returns>Whether it was an install or an update.</returns>
    Task<InstallMode> InstallAsync(string gameRoot, IProgress<UnpackProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Removes <c>local/</c>, keeping the downloaded files and the sentinel.</summary>
    /// <param name="gameRoot">The game root.</param>
    /// <param name="cancellationToken">Cancels before the commit point.</param>
    Task UninstallAsync(string gameRoot, CancellationToken cancellationToken);

    /// <summary>Rolls an interrupted operation in <paramref name="gameRoot"/> forward or back.</summary>
    /// <param name="gameRoot">The game root.</param>
    /// <param name="cancellationToken">Cancels the recovery.</param>
    /// <returns>What recovery did, for the log.</returns>
    Task<RecoveryOutcome> RecoverAsync(string gameRoot, CancellationToken cancellationToken);
}
