using LanSpread.Core.Installing;
using LanSpread.Core.Model;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.FileSystem;
using Microsoft.Extensions.Logging;
using static LanSpread.Peer.Installing.InstallIntent;

namespace LanSpread.Peer.Installing;

/// <summary>
/// Install, update and uninstall of one game root as transactions over the intent log, and start-up
/// recovery. Every step is a rename or a delete of a LanSpread-owned directory, so a crash at any point
/// leaves a state recovery can finish or undo.
///
/// Steps (each intent write is atomic):
///   install:   intent(install,staging) → mkdir .local.installing + marker → unpack → intent(install,committing)
///              → remove marker → rename .local.installing → local → clear intent
///   update:    intent(update,staging) → mkdir .local.installing + marker → unpack → intent(update,swapping)
///              → rename local → .local.backup → remove staging marker → rename .local.installing → local
///              → intent(update,cleanup) → delete .local.backup → clear intent
///   uninstall: intent(uninstall,moving) → rename local → .local.backup → intent(uninstall,deleting)
///              → delete .local.backup → clear intent
///
/// Recovery state table (intent × what is on disk → action):
///   | intent               | on disk                                   | action                                   |
///   |----------------------|-------------------------------------------|------------------------------------------|
///   | none                 | .local.installing with marker             | delete it (stale staging)                 |
///   | none                 | .local.backup with marker, local/ present | delete it                                 |
///   | none                 | .local.backup with marker, no local/      | rename back to local/ (old state)         |
///   | none                 | reserved dir without marker               | leave alone, report                       |
///   | install,staging      | anything                                  | delete .local.installing → back (none)    |
///   | install,committing   | .local.installing, no local/              | rename to local/ → forward                |
///   | install,committing   | local/                                    | delete leftover staging → forward         |
///   | update,staging       | anything                                  | delete .local.installing → back (old)     |
///   | update,swapping      | staging + local/, no backup               | swap now → forward                        |
///   | update,swapping      | staging + backup, no local/               | rename staging → local/ → forward         |
///   | update,swapping      | local/ + backup, no staging               | swap done → delete backup → forward       |
///   | update,swapping      | backup only                               | rename backup → local/ → back (old)       |
///   | update,cleanup       | anything                                  | delete backup → forward                   |
///   | uninstall,moving     | local/, no backup                         | nothing moved → back (installed)          |
///   | uninstall,moving     | backup, no local/                         | delete backup → forward (uninstalled)     |
///   | uninstall,deleting   | anything                                  | delete backup → forward                   |
///   | unreadable           | anything                                  | leave everything, report                  |
/// A reserved directory is deleted only when the intent names the step that made it or its
/// <c>.lanspread_owned</c> marker is present; <c>local/</c> itself is never deleted by recovery.
/// </summary>
public sealed class InstallTransaction : IInstallTransaction
{
    private readonly IUnpacker _unpacker;
    private readonly ILogger _logger;

    public InstallTransaction(IUnpacker unpacker, ILogger<InstallTransaction> logger)
    {
        ArgumentNullException.ThrowIfNull(unpacker);
        _unpacker = unpacker;
        _logger = logger;
    }

    public async Task<InstallMode> InstallAsync(string gameRoot, IProgress<UnpackProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gameRoot);
        var paths = new RootPaths(gameRoot);
        await RecoverOrThrowAsync(gameRoot, cancellationToken);
        if (!File.Exists(paths.Sentinel))
        {
            throw new InvalidOperationException("the game is not downloaded (no version.ini)");
        }

        var archives = _unpacker.FindArchives(gameRoot);
        if (archives.Count == 0)
        {
            throw new InvalidOperationException($"no archive for the '{_unpacker.Name}' unpacker in {gameRoot}");
        }

        return await RunAsync(paths, gameRoot, staging => _unpacker.UnpackAsync(new UnpackRequest(archives, staging), progress, cancellationToken), null);
    }

    /// <summary>
    /// The unpacker that can read archives while they download, or null: the one this transaction was
    /// given when it has the <see cref="IStreamingUnpacker"/> capability (a deferred one is loaded now).
    /// Several unpackers side by side (<see cref="UnpackerSet"/>) claim archives by their first bytes, which
    /// a download may not have yet, so they install after the download.
    /// </summary>
    public IStreamingUnpacker? StreamingUnpacker => Unwrap(_unpacker) as IStreamingUnpacker;

    /// <summary>
    /// A streaming install (DESIGN F.4): the same transaction as <see cref="InstallAsync"/>, but the unpacker
    /// reads <paramref name="archives"/> while they download (through <paramref name="openArchive"/>), and the
    /// commit waits for <paramref name="downloadCommitted"/>: it happens only after both the download's
    /// sentinel commit and the unpack's last entry. When the download does not commit (false, cancelled,
    /// failed) or the unpack fails, the staging directory is rolled back as for any failed install.
    /// </summary>
    /// <param name="gameRoot">The game root.</param>
    /// <param name="archives">The archives as the unpacker found them in the download's staging directory.</param>
    /// <param name="openArchive">Opens an archive file for reading verified bytes.</param>
    /// <param name="downloadCommitted">Completes with true once the download's sentinel is committed, false when it will not be.</param>
    /// <param name="progress">Unpack progress; may be null.</param>
    /// <param name="cancellationToken">Cancels the operation (it then rolls back).</param>
    public async Task<InstallMode> InstallStreamingAsync(string gameRoot, IReadOnlyList<string> archives, Func<string, Stream> openArchive, Task<bool> downloadCommitted,
        IProgress<UnpackProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gameRoot);
        ArgumentNullException.ThrowIfNull(archives);
        ArgumentNullException.ThrowIfNull(openArchive);
        ArgumentNullException.ThrowIfNull(downloadCommitted);
        var streaming = StreamingUnpacker ?? throw new InvalidOperationException($"the '{_unpacker.Name}' unpacker cannot unpack while downloading");
        var paths = new RootPaths(gameRoot);
        await RecoverOrThrowAsync(gameRoot, cancellationToken);
        return await RunAsync(paths, gameRoot,
            staging => streaming.UnpackStreamingAsync(new StreamingUnpackRequest(archives, staging, openArchive), progress, cancellationToken),
            async () =>
            {
                if (!await downloadCommitted.WaitAsync(cancellationToken))
                {
                    throw new InvalidOperationException("the download did not complete; the install was rolled back");
                }

                // The sentinel is the download's last step: only now is the unpacked tree this version.
                if (!File.Exists(paths.Sentinel))
                {
                    throw new InvalidOperationException("the game is not downloaded (no version.ini)");
                }
            });
    }

    private async Task RecoverOrThrowAsync(string gameRoot, CancellationToken cancellationToken)
    {
        var recovery = await RecoverAsync(gameRoot, cancellationToken);
        if (recovery.Action == "unresolved")
        {
            throw new InvalidOperationException($"the game root needs attention first: {recovery.Details}");
        }
    }

    private static IUnpacker Unwrap(IUnpacker unpacker) => unpacker is Hosting.DeferredUnpacker deferred ? deferred.Inner : unpacker;

    /// <summary>The transaction around an unpack into staging; <paramref name="beforeCommit"/> may veto the commit by throwing.</summary>
    private async Task<InstallMode> RunAsync(RootPaths paths, string gameRoot, Func<string, Task> unpack, Func<Task>? beforeCommit)
    {
        if (Directory.Exists(paths.Staging) || Directory.Exists(paths.Backup))
        {
            throw new InvalidOperationException($"{GameRootLayout.InstallingDirectory} or {GameRootLayout.BackupDirectory} exists without proof that LanSpread made it; remove it by hand");
        }

        var mode = Directory.Exists(paths.Local) ? InstallMode.Update : InstallMode.Install;
        var operation = mode == InstallMode.Update ? Update : Install;
        new InstallIntent(operation, Staging, DateTimeOffset.UtcNow).Write(gameRoot);
        CrashPoint.Hit($"{operation}.after-intent");
        Directory.CreateDirectory(paths.Staging);
        File.WriteAllBytes(paths.StagingMarker, []);
        try
        {
            await unpack(paths.Staging);
            CrashPoint.Hit($"{operation}.after-unpack");
            if (beforeCommit is not null)
            {
                await beforeCommit();
            }
        }
        catch
        {
            // Roll back: the staging directory is ours (marker + intent); the previous install is untouched.
            DeleteOwned(paths.Staging);
            Clear(gameRoot);
            throw;
        }

        if (mode == InstallMode.Install)
        {
            new InstallIntent(Install, Committing, DateTimeOffset.UtcNow).Write(gameRoot);
            CrashPoint.Hit("install.before-rename");
            File.Delete(paths.StagingMarker);
            AtomicFile.Rename(paths.Staging, paths.Local);
            CrashPoint.Hit("install.after-rename");
        }
        else
        {
            new InstallIntent(Update, Swapping, DateTimeOffset.UtcNow).Write(gameRoot);
            CrashPoint.Hit("update.before-swap");
            AtomicFile.Rename(paths.Local, paths.Backup);
            CrashPoint.Hit("update.after-backup");
            File.Delete(paths.StagingMarker);
            AtomicFile.Rename(paths.Staging, paths.Local);
            CrashPoint.Hit("update.after-swap");
            new InstallIntent(Update, Cleanup, DateTimeOffset.UtcNow).Write(gameRoot);
            DeleteOwned(paths.Backup);
        }

        Clear(gameRoot);
        _logger.LogInformation("{Mode} of {Root} committed", mode, gameRoot);
        return mode;
    }

    public async Task UninstallAsync(string gameRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gameRoot);
        var paths = new RootPaths(gameRoot);
        var recovery = await RecoverAsync(gameRoot, cancellationToken);
        if (recovery.Action == "unresolved")
        {
            throw new InvalidOperationException($"the game root needs attention first: {recovery.Details}");
        }

        if (!Directory.Exists(paths.Local))
        {
            throw new InvalidOperationException("the game is not installed (no local/)");
        }

        if (Directory.Exists(paths.Backup))
        {
            throw new InvalidOperationException($"{GameRootLayout.BackupDirectory} exists without proof that LanSpread made it; remove it by hand");
        }

        cancellationToken.ThrowIfCancellationRequested();
        new InstallIntent(Uninstall, Moving, DateTimeOffset.UtcNow).Write(gameRoot);
        CrashPoint.Hit("uninstall.after-intent");
        AtomicFile.Rename(paths.Local, paths.Backup);
        File.WriteAllBytes(Path.Combine(paths.Backup, GameRootLayout.OwnedMarker), []);
        CrashPoint.Hit("uninstall.after-move");
        new InstallIntent(Uninstall, Deleting, DateTimeOffset.UtcNow).Write(gameRoot);
        DeleteOwned(paths.Backup);
        CrashPoint.Hit("uninstall.after-delete");
        Clear(gameRoot);
    }

    public Task<RecoveryOutcome> RecoverAsync(string gameRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gameRoot);
        var paths = new RootPaths(gameRoot);
        var leftAlone = new List<string>();
        var intent = Read(gameRoot, out var problem);
        if (problem is not null)
        {
            leftAlone.AddRange(new[] { paths.Staging, paths.Backup }.Where(Directory.Exists));
            return Task.FromResult(Outcome("unresolved", $"{problem}; nothing was changed", leftAlone));
        }

        RecoveryOutcome result;
        switch (intent?.Operation, intent?.Phase)
        {
            case (null, _):
                result = RecoverWithoutIntent(paths, leftAlone);
                break;
            case (Install, Staging):
            case (Update, Staging):
                DeleteOwned(paths.Staging);
                result = Outcome("rolled-back", $"{intent.Operation} interrupted while unpacking; staging removed", leftAlone);
                break;
            case (Install, Committing):
                if (Directory.Exists(paths.Staging) && !Directory.Exists(paths.Local))
                {
                    File.Delete(paths.StagingMarker);
                    AtomicFile.Rename(paths.Staging, paths.Local);
                }
                else
                {
                    DeleteOwned(paths.Staging);
                }

                result = Outcome("rolled-forward", "install interrupted while committing; finished", leftAlone);
                break;
            case (Update, Swapping):
                result = RecoverSwap(paths, leftAlone);
                break;
            case (Update, Cleanup):
            case (Uninstall, Deleting):
                DeleteOwned(paths.Backup);
                result = Outcome("rolled-forward", $"{intent.Operation} interrupted while cleaning up; finished", leftAlone);
                break;
            case (Uninstall, Moving):
                if (!Directory.Exists(paths.Local) && Directory.Exists(paths.Backup))
                {
                    DeleteOwned(paths.Backup);
                    result = Outcome("rolled-forward", "uninstall interrupted after moving local/; finished", leftAlone);
                }
                else
                {
                    result = Outcome("rolled-back", "uninstall interrupted before moving local/; still installed", leftAlone);
                }

                break;
            default:
                leftAlone.AddRange(new[] { paths.Staging, paths.Backup }.Where(Directory.Exists));
                return Task.FromResult(Outcome("unresolved", $"unknown intent {intent.Operation}/{intent.Phase}; nothing was changed", leftAlone));
        }

        if (intent is not null)
        {
            Clear(gameRoot);
            _logger.LogWarning("Recovered {Root}: {Action} ({Details})", gameRoot, result.Action, result.Details);
        }

        return Task.FromResult(result);
    }

    private static RecoveryOutcome RecoverSwap(RootPaths paths, List<string> leftAlone)
    {
        bool local = Directory.Exists(paths.Local), backup = Directory.Exists(paths.Backup), staging = Directory.Exists(paths.Staging);
        if (staging && local && !backup)
        {
            AtomicFile.Rename(paths.Local, paths.Backup);
            File.Delete(paths.StagingMarker);
            AtomicFile.Rename(paths.Staging, paths.Local);
            DeleteOwned(paths.Backup);
            return Outcome("rolled-forward", "update interrupted before the swap; swapped", leftAlone);
        }

        if (staging && !local)
        {
            File.Delete(paths.StagingMarker);
            AtomicFile.Rename(paths.Staging, paths.Local);
            DeleteOwned(paths.Backup);
            return Outcome("rolled-forward", "update interrupted mid-swap; finished", leftAlone);
        }

        if (local && backup)
        {
            DeleteOwned(paths.Backup);
            DeleteOwned(paths.Staging);
            return Outcome("rolled-forward", "update interrupted after the swap; backup removed", leftAlone);
        }

        if (backup && !local)
        {
            AtomicFile.Rename(paths.Backup, paths.Local);
            return Outcome("rolled-back", "update interrupted with only the backup left; old install restored", leftAlone);
        }

        return Outcome("none", "update intent without directories; cleared", leftAlone);
    }

    private RecoveryOutcome RecoverWithoutIntent(RootPaths paths, List<string> leftAlone)
    {
        var actions = new List<string>();
        if (Directory.Exists(paths.Staging))
        {
            if (File.Exists(paths.StagingMarker))
            {
                DeleteOwned(paths.Staging);
                actions.Add("removed stale staging");
            }
            else
            {
                leftAlone.Add(paths.Staging);
            }
        }

        if (Directory.Exists(paths.Backup))
        {
            if (File.Exists(Path.Combine(paths.Backup, GameRootLayout.OwnedMarker)))
            {
                if (Directory.Exists(paths.Local))
                {
                    DeleteOwned(paths.Backup);
                    actions.Add("removed stale backup");
                }
                else
                {
                    File.Delete(Path.Combine(paths.Backup, GameRootLayout.OwnedMarker));
                    AtomicFile.Rename(paths.Backup, paths.Local);
                    actions.Add("restored backup to local/");
                }
            }
            else
            {
                leftAlone.Add(paths.Backup);
            }
        }

        foreach (var path in leftAlone)
        {
            _logger.LogWarning("{Path} looks like LanSpread's but carries no proof (no intent, no {Marker}); left alone", path, GameRootLayout.OwnedMarker);
        }

        return Outcome(actions.Count == 0 ? "none" : "rolled-back", actions.Count == 0 ? "consistent" : string.Join("; ", actions), leftAlone);
    }

    private static void DeleteOwned(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
            AtomicFile.FlushDirectory(Path.GetDirectoryName(directory)!);
        }
    }

    private static RecoveryOutcome Outcome(string action, string details, List<string> leftAlone) => new(action, details, leftAlone.ToList());

    private sealed class RootPaths(string root)
    {
        public string Local { get; } = Path.Combine(root, GameRootLayout.LocalDirectory);

        public string Staging { get; } = Path.Combine(root, GameRootLayout.InstallingDirectory);

        public string StagingMarker => Path.Combine(Staging, GameRootLayout.OwnedMarker);

        public string Backup { get; } = Path.Combine(root, GameRootLayout.BackupDirectory);

        public string Sentinel { get; } = Path.Combine(root, GameRootLayout.VersionFile);
    }
}
