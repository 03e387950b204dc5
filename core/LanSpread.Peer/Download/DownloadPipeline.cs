using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using LanSpread.Core.Events;
using LanSpread.Core.Model;
using LanSpread.Core.Planning;
using LanSpread.Peer.FileSystem;
using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;
using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Download;

/// <summary>
/// The puller (DESIGN A.7, F.1):
/// <code>
/// GetGame/FetchLatest ─► GetGame on peers with the latest version ─► per peer: version matches its announcement,
///   manifest valid, version.ini verified and equal to the version (else PeerSkipped, next version)
///   ─► the digest most peers agree on (others PeerSkipped) ─► GotGameFiles
/// DownloadGameFiles ─► claim game ─► no downgrade unless asked ─► rescan own root (cached chunks)
///   ─► per file: unchanged here ─► keep │ else staged in .lanspread.partial/: chunk recorded in
///      .lanspread.progress (same digest) ─► keep │ same SHA-256 anywhere in the old files ─► local copy, verified
///      │ else fetch ─► nothing to fetch and version.ini equal ─► GameUpToDate
///   ─► DownloadGameFilesBegin ─► ChunkScheduler: IChunkPlan pulled per peer, no rounds (its own comment)
///      ─► requests in flight per peer as the plan sizes them, one stream each, hashed from the buffer that is written
///      ─► SHA-256 equal ─► progress record (batched, fsync'd) ─► ChunkCompleted, other copies cancelled
///      ─► mismatch ─► ChunkRejected + PeerBanned │ error or stall (peer's own rate) ─► chunk straight back to the plan
///      ─► peers with the same manifest that join or come back ─► used at once
///   ─► park version.ini ─► staged files renamed into place ─► record dropped
///   ─► verified version.ini ─► .version.ini.tmp ─► flush ─► rename ─► Finished ─► install
/// Cancel pauses (staged chunks and record stay; the old version stays whole and served); DiscardDownload deletes them.
/// </code>
/// </summary>
internal sealed class DownloadPipeline
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);
    private const int BufferSize = 1024 * 1024;
    private const int MaxSentinelBytes = 64 * 1024;

    private readonly PeerRuntimeOptions _options;
    private readonly LocalLibrary _library;
    private readonly OperationTracker _operations;
    private readonly PeerGameDB _peerGameDb;
    private readonly IConnectedPeers _connected;
    private readonly PeerLiveness _liveness;
    private readonly Swarm.PartialDownloads _partials;
    private readonly IChunkPlanner _planner;
    private readonly IReadOnlySet<PeerId> _trustedPeers;
    private readonly EventBus _events;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, DownloadJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChosenContent> _chosen = new(StringComparer.Ordinal);

    /// <param name="options">Download and swarming settings.</param>
    /// <param name="library">The local games (roots, rescans, the revision announced).</param>
    /// <param name="operations">The per-game claim.</param>
    /// <param name="peerGameDb">What peers offer.</param>
    /// <param name="connected">The joined peers.</param>
    /// <param name="liveness">Told about failing peers (by the scheduler).</param>
    /// <param name="partials">Downloads served to other peers while they run.</param>
    /// <param name="planner">Plans each download's chunks.</param>
    /// <param name="trustedPeers">When not empty, the only peers swarming asks.</param>
    /// <param name="events">Download events.</param>
    /// <param name="loggerFactory">Logs for the pipeline and its swarm trackers.</param>
    public DownloadPipeline(PeerRuntimeOptions options, LocalLibrary library, OperationTracker operations, PeerGameDB peerGameDb, IConnectedPeers connected, PeerLiveness liveness,
        Swarm.PartialDownloads partials, IChunkPlanner planner, IReadOnlySet<PeerId> trustedPeers, EventBus events, ILoggerFactory loggerFactory)
    {
        _options = options;
        _library = library;
        _operations = operations;
        _peerGameDb = peerGameDb;
        _connected = connected;
        _liveness = liveness;
        _partials = partials;
        _planner = planner;
        _trustedPeers = trustedPeers;
        _events = events;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<DownloadPipeline>();
    }

    /// <summary>Asks the peers with the latest version for the game's details (GetGame and FetchLatestFromPeers) and settles on one manifest.</summary>
    public async Task FetchDetailsAsync(string game, CancellationToken cancellationToken)
    {
        var db = _peerGameDb;
        // Each pass skips the peers whose details disagree with what they announce; the next pass then
        // sees the latest version among the honest ones.
        for (var pass = 0; pass < 8; pass++)
        {
            var version = db.LatestVersion(game);
            var peers = db.PeersWithLatest(game).Select(p => _connected.Find(p.PeerId)).OfType<PeerClient>().ToList();
            if (version is null || peers.Count == 0)
            {
                break;
            }

            var answers = await Task.WhenAll(peers.Select(peer => CheckPeerAsync(peer, game, version, cancellationToken)));
            var valid = answers.Where(a => a.Details is not null).ToList();
            if (valid.Count == 0)
            {
                if (answers.Any(a => a.Skipped))
                {
                    continue;
                }

                break;
            }

            // Peers with the same version but other bytes are not mixed: the digest most agree on wins.
            var groups = valid.GroupBy(a => a.Details!.Manifest?.Digest ?? string.Empty)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
            var chosen = groups[0].ToList();
            foreach (var other in groups.Skip(1).SelectMany(g => g))
            {
                _events.Publish(new PeerSkipped(game, other.Peer.Name, other.Peer.Id,
                    $"its manifest of version {version} ({ManifestCodec.Abbreviate(other.Details!.Manifest?.Digest)}) differs from the one {chosen.Count} peer(s) agree on ({ManifestCodec.Abbreviate(groups[0].Key)})"));
            }

            var details = chosen[0].Details!;
            if (details.Manifest is not null)
            {
                _chosen[game] = new ChosenContent(details.Manifest, chosen.Select(a => a.Peer).ToList(), chosen[0].Sentinel);
            }

            var files = chosen.SelectMany(a => a.Details!.Files)
                .GroupBy(f => f.RelativePath, StringComparer.Ordinal)
                .Select(g => g.First())
                .OrderBy(f => f.RelativePath, StringComparer.Ordinal)
                .ToList();
            _events.Publish(new GotGameFiles(game, version, files, chosen.Select(a => a.Peer.Ref).ToList(), details.Manifest?.Digest));
            return;
        }

        _events.Publish(new NoPeersHaveGame(game));
    }

    /// <summary>
    /// One peer's details for a game, judged: the version must be the announced one, the manifest valid,
    /// and <c>version.ini</c> (fetched, small) must match its manifest entry and say that version.
    /// </summary>
    private async Task<(PeerClient Peer, GameDetails? Details, byte[]? Sentinel, bool Skipped)> CheckPeerAsync(PeerClient peer, string game, string version, CancellationToken cancellationToken)
    {
        GameDetails details;
        try
        {
            details = await peer.GetGameAsync(game, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogInformation("{Peer} did not give the files of {Game}: {Error}", peer.Name, game, ex.Message);
            return (peer, null, null, false);
        }

        string? problem = null;
        byte[]? sentinel = null;
        if (details.Version != version)
        {
            problem = $"it announces version {version} but its details say '{details.Version}'";
        }
        else if (ManifestCodec.Validate(details.Manifest, version, _library.RootOf(game)) is { } invalid)
        {
            problem = $"invalid manifest: {invalid}";
        }
        else if (details.Manifest!.Files.FirstOrDefault(f => f.RelativePath == GameRootLayout.VersionFile) is { } entry)
        {
            try
            {
                sentinel = entry.Size > MaxSentinelBytes ? null : await peer.FetchBytesAsync(game, GameRootLayout.VersionFile, entry.Size, cancellationToken);
                if (sentinel is null || !Matches(entry, sentinel))
                {
                    problem = $"its {GameRootLayout.VersionFile} does not match its manifest";
                }
                else if (LibraryScanner.ParseVersion(sentinel) != version)
                {
                    problem = $"it announces version {version} but its {GameRootLayout.VersionFile} says '{LibraryScanner.ParseVersion(sentinel)}'";
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogInformation("{Peer} did not give {File} of {Game}: {Error}", peer.Name, GameRootLayout.VersionFile, game, ex.Message);
                return (peer, null, null, false);
            }
        }

        if (problem is null)
        {
            _peerGameDb.SetFiles(peer.Id, details);
            return (peer, details, sentinel, false);
        }

        _logger.LogWarning("{Peer} is skipped for {Game}: {Problem}", peer.Name, game, problem);
        _peerGameDb.Skip(peer.Id, game, problem);
        _events.Publish(new PeerSkipped(game, peer.Name, peer.Id, problem));
        return (peer, null, null, true);
    }

    private static bool Matches(ManifestFile entry, byte[] content) =>
        content.Length == entry.Size
        && entry.Chunks.All(c => Convert.ToHexStringLower(SHA256.HashData(content.AsSpan((int)c.Offset, (int)c.Length))) == c.Sha256);

    /// <summary>Pauses a running download (its verified chunks stay).</summary>
    public bool Cancel(string game, string reason)
    {
        if (!_jobs.TryGetValue(game, out var job))
        {
            return false;
        }

        job.CancelReason = reason;
        job.Cancellation.Cancel();
        return true;
    }

    /// <summary>Stops a running download of the game if any, then deletes its staged chunks and resume record.</summary>
    public async Task DiscardAsync(string game, CancellationToken cancellationToken)
    {
        if (_jobs.TryGetValue(game, out var job))
        {
            job.CancelReason = "discarded by the user";
            await job.Cancellation.CancelAsync();
            await job.Finished.Task.WaitAsync(cancellationToken);
        }

        using var claim = _operations.TryBegin(game, OperationTracker.Download);
        if (claim is null)
        {
            _events.Publish(new CommandFailed(nameof(Core.Commands.DiscardDownload), $"a {_operations.RunningOperation(game)} of '{game}' is running"));
            return;
        }

        var root = _library.RootOf(game);
        var bytes = DeletePartial(root);
        _events.Publish(new DownloadDiscarded(game, bytes));
    }

    private static long DeletePartial(string root)
    {
        var staging = Path.Combine(root, GameRootLayout.PartialDirectory);
        var bytes = 0L;
        if (Directory.Exists(staging))
        {
            bytes = new DirectoryInfo(staging).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            Directory.Delete(staging, recursive: true);
        }

        File.Delete(ProgressRecord.PathIn(root));
        return bytes;
    }

    /// <summary>
    /// Runs a whole download; returns true when an install should follow (sentinel committed, or already
    /// current but not installed). <c>onStaged</c>, when given, is called once the files are staged and
    /// before any fetch, with what a streaming install reads.
    /// </summary>
    public async Task<bool> DownloadAsync(string game, IReadOnlyList<GameFileDescription> files, bool allowDowngrade, CancellationToken cancellationToken, Action<StagedDownload>? onStaged = null)
    {
        // The ending event is published once the download holds nothing (its claim on the game, its job): a
        // host that reacts to it at once (a retry, a downgrade, a second cancel) meets an idle game, not a
        // "download is running" left over from the one that just ended.
        var (install, ending) = await RunDownloadAsync(game, files, allowDowngrade, onStaged, cancellationToken);
        _events.Publish(ending);
        return install;
    }

    /// <summary><see cref="DownloadAsync"/> up to its ending event, which it returns (with whether an install should follow) instead of publishing it.</summary>
    private async Task<(bool Install, PeerEvent Ending)> RunDownloadAsync(string game, IReadOnlyList<GameFileDescription> files, bool allowDowngrade, Action<StagedDownload>? onStaged, CancellationToken cancellationToken)
    {
        using var claim = _operations.TryBegin(game, OperationTracker.Download);
        if (claim is null)
        {
            var running = _operations.RunningOperation(game);
            return (false, new DownloadGameFilesFailed(game, $"a {running} of '{game}' is already running; wait for it or cancel it"));
        }

        // Resolved against this peer's own root too, so a symlink in it cannot redirect a write outside.
        var root = _library.RootOf(game);
        var invalid = files.FirstOrDefault(f => !GamePathResolver.TryResolve(root, f.RelativePath, out _, out _) || f.Size < 0);
        if (invalid is not null)
        {
            return (false, new DownloadGameFilesFailed(game, $"refusing file '{invalid.RelativePath}': it would leave the game root or is reserved"));
        }

        var chosen = Choose(game);
        if (chosen is null)
        {
            return (false, new DownloadGameFilesFailed(game, "no connected peer offers a verified manifest of this game; ask for it first (GetGame)"));
        }

        var manifest = chosen.Manifest;
        var version = manifest.Version;
        if (ManifestCodec.Validate(manifest, version, root) is { } refused)
        {
            return (false, new DownloadGameFilesFailed(game, $"refusing the manifest: {refused}"));
        }

        _library.RescanGame(game); // this root's chunks as they are now (cached by size and mtime)
        var local = _library.Find(game);
        if (local?.Game.Version is { } held && local.Game.IsDownloaded && GameVersion.Compare(held, version) > 0 && !allowDowngrade)
        {
            return (false, new DownloadGameFilesFailed(game,
                $"version {held} here is newer than version {version} offered by the peers; not downgrading (pass --allow-downgrade to replace it)"));
        }

        _library.BumpRevision(); // peers drop this game from what we announce while it downloads
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var job = new DownloadJob(game, root, manifest.Files.Where(f => f.RelativePath != GameRootLayout.VersionFile).Sum(f => f.Size), cancellation);
        _jobs[game] = job;
        var sentinel = new VersionSentinel(root);
        var stopwatch = Stopwatch.StartNew();
        using var progressStop = new CancellationTokenSource();
        Task? progress = null;
        ProgressRecord? record = null;
        var committing = false;
        try
        {
            var work = Prepare(job, manifest, local);
            if (work.Staged.Count == 0 && work.SentinelInPlace && local?.Game.IsDownloaded == true)
            {
                var installing = !local.Game.IsInstalled && _options.InstallAfterDownload;
                _logger.LogInformation("{Game} {Version} is already up to date", game, version);
                return (!local.Game.IsInstalled, new GameUpToDate(game, version, installing));
            }

            var peers = chosen.Peers.Where(p => _connected.Find(p.Id) is not null).ToList();
            var staging = Path.Combine(root, GameRootLayout.PartialDirectory);
            Directory.CreateDirectory(staging);
            foreach (var directory in files.Where(f => f.IsDirectory))
            {
                Directory.CreateDirectory(Path.Combine(root, directory.RelativePath));
            }

            PreSize(staging, work.Staged);
            record = ProgressRecord.Open(root, staging, manifest.Digest, work.Resumed, _options.ProgressBatchBytes, _options.ProgressBatchInterval);
            job.Record = record;
            CopyLocalChunks(job, work.LocalCopies, staging);
            var toFetch = work.ToFetch.Where(c => !job.Copied.Contains((c.RelativePath, c.Offset))).ToList();
            job.Availability = Held(game, manifest, work, toFetch);
            if (_options.Swarming)
            {
                _partials.Register(job.Availability); // other peers may fetch what is verified here from now on
            }
            if (toFetch.Count > 0 && peers.Count == 0)
            {
                throw new IOException("every peer with this manifest is gone; the verified chunks are kept for a later download");
            }

            _events.Publish(new DownloadGameFilesBegin(game, version, job.TotalBytes, peers.Select(p => p.Ref).ToList(), Interlocked.Read(ref job.BytesDone), manifest.Digest));
            progress = ReportProgressAsync(job, progressStop.Token);
            if (onStaged is not null)
            {
                job.Staged = new StagedDownload(root, work.Staged, toFetch);
                onStaged(job.Staged);
            }

            await FetchAllAsync(job, manifest, toFetch, peers, cancellation.Token);
            record.Flush();

            // The sentinel last: only now do the files on disk form this version.
            var content = chosen.Sentinel ?? await FetchSentinelAsync(game, manifest, peers, cancellation.Token);
            committing = true;
            _partials.Unregister(job.Availability); // before the staged files move
            sentinel.Park();
            void MoveIntoPlace()
            {
                foreach (var file in work.Staged)
                {
                    var target = Path.Combine(root, file.RelativePath);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    AtomicFile.Rename(Path.Combine(staging, file.RelativePath), target, overwrite: true);
                }
            }

            if (job.Staged is { } streamed)
            {
                streamed.MoveIntoPlace(MoveIntoPlace);
            }
            else
            {
                MoveIntoPlace();
            }

            record.Dispose();
            record = null;
            DeletePartial(root);
            sentinel.Commit(content);
            _library.Remember(game, manifest.Files);
            await progressStop.CancelAsync();
            await progress;
            _events.Publish(new DownloadProgress(game, job.TotalBytes, job.TotalBytes, 0));
            // A peer that served and then died is pruned from the db before the end: keep its name from the start.
            var byPeer = job.BytesByPeer.Select(kv => new PeerBytes(_peerGameDb.NameOf(kv.Key) ?? peers.FirstOrDefault(p => p.Id == kv.Key)?.Name ?? kv.Key.Abbreviated, kv.Key, kv.Value, job.RateByPeer.GetValueOrDefault(kv.Key)))
                .OrderByDescending(p => p.Bytes).ToList();
            _logger.LogInformation("Downloaded {Game} {Version}: {Fetched} bytes fetched, {Total} total in {Seconds:0.00}s", game, version, byPeer.Sum(p => p.Bytes), job.TotalBytes, stopwatch.Elapsed.TotalSeconds);
            return (true, new DownloadGameFilesFinished(game, version, byPeer, stopwatch.Elapsed.TotalSeconds));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            var kept = Keep(record);
            return (false, new DownloadGameFilesCancelled(game, job.CancelReason ?? (cancellationToken.IsCancellationRequested ? "the peer is shutting down" : "cancelled"), kept ? Interlocked.Read(ref job.BytesDone) : 0));
        }
        catch (Exception ex)
        {
            Keep(record);
            if (committing)
            {
                sentinel.Sweep();
            }

            var reason = ex switch
            {
                IOException io when DiskErrors.IsDiskFull(io) => $"disk full: {DiskErrors.Innermost(io).Message}",
                LocalWriteException w => $"writing to disk failed: {w.InnerException?.Message ?? w.Message}",
                _ => ex.Message,
            };
            _logger.LogWarning("Download of {Game} failed: {Reason}", game, reason);
            return (false, new DownloadGameFilesFailed(game, reason));
        }
        finally
        {
            record?.Dispose();
            await progressStop.CancelAsync();
            if (progress is not null)
            {
                await progress.ContinueWith(_ => { }, TaskScheduler.Default);
            }

            if (job.Availability is not null)
            {
                _partials.Unregister(job.Availability);
            }

            _jobs.TryRemove(game, out _);
            job.Staged?.Stop(job.CancelReason ?? "the download ended without its commit");
            job.Finished.TrySetResult();
        }
    }

    /// <summary>What this download holds before fetching: unchanged files in place, resumed and locally copied chunks staged.</summary>
    private static Swarm.ChunkAvailability Held(string game, GameManifest manifest, PreparedWork work, List<FileChunk> toFetch)
    {
        var held = new Swarm.ChunkAvailability(game, manifest);
        var staged = work.Staged.Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
        var missing = toFetch.Select(c => (c.RelativePath, c.Offset)).ToHashSet();
        foreach (var file in manifest.Files.Where(f => f.RelativePath != GameRootLayout.VersionFile))
        {
            if (!staged.Contains(file.RelativePath))
            {
                held.MarkInPlace(file);
                continue;
            }

            foreach (var chunk in file.Chunks.Where(c => !missing.Contains((file.RelativePath, c.Offset))))
            {
                held.MarkStaged(file.RelativePath, chunk.Offset);
            }
        }

        return held;
    }

    /// <summary>Writes the last verified batch so a later download resumes from it; false when even that failed.</summary>
    private bool Keep(ProgressRecord? record)
    {
        try
        {
            record?.Flush();
            return true;
        }
        catch (LocalWriteException ex)
        {
            _logger.LogWarning("The last batch of download progress is lost: {Error}", ex.Message);
            return false;
        }
    }

    /// <summary>The manifest a GetGame settled on, or the one most peers with the latest version gave before.</summary>
    private ChosenContent? Choose(string game)
    {
        var version = _peerGameDb.LatestVersion(game);
        if (_chosen.TryGetValue(game, out var chosen) && chosen.Manifest.Version == version)
        {
            return chosen;
        }

        var offers = _peerGameDb.PeersWithLatest(game)
            .Select(p => (Peer: _connected.Find(p.PeerId), Details: _peerGameDb.FilesOf(p.PeerId, game)))
            .Where(x => x.Peer is not null && x.Details?.Manifest is not null && x.Details.Version == version)
            .GroupBy(x => x.Details!.Manifest!.Digest)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .FirstOrDefault();
        return offers is null ? null : new ChosenContent(offers.First().Details!.Manifest!, offers.Select(x => x.Peer!).ToList(), null);
    }

    /// <summary>
    /// Decides, per file and chunk, what is already here: files equal to the manifest stay in place;
    /// the others are staged, taking recorded chunks of a paused download, then chunks whose SHA-256 is
    /// found anywhere in the root's current files (copied and verified), and fetching the rest.
    /// </summary>
    private PreparedWork Prepare(DownloadJob job, GameManifest manifest, ScannedGame? local)
    {
        var root = job.Root;
        var staging = Path.Combine(root, GameRootLayout.PartialDirectory);
        var recorded = ProgressRecord.Load(root, manifest.Digest, out var resumed);
        if (!resumed && (Directory.Exists(staging) || File.Exists(ProgressRecord.PathIn(root))))
        {
            _logger.LogInformation("Partial data of {Game} belongs to another manifest; starting afresh", job.Game);
            DeletePartial(root);
        }

        var localFiles = (local?.Content ?? []).ToDictionary(f => f.RelativePath, StringComparer.Ordinal);
        var byHash = new Dictionary<string, (string Path, ManifestChunk Chunk)>(StringComparer.Ordinal);
        foreach (var file in localFiles.Values)
        {
            foreach (var chunk in file.Chunks)
            {
                byHash.TryAdd(chunk.Sha256, (file.RelativePath, chunk));
            }
        }

        var work = new PreparedWork { Resumed = resumed };
        foreach (var file in manifest.Files)
        {
            var inPlace = localFiles.TryGetValue(file.RelativePath, out var here) && here.Size == file.Size && here.Chunks.SequenceEqual(file.Chunks);
            if (!inPlace && here is not null && here.Size == file.Size && file.Size > 0)
            {
                // Same file, cut with other chunk sizes (a copy made by hand, a peer with another --chunk-size):
                // hash it at the manifest's cuts; it is in place when every chunk matches, else its matching
                // chunks are local sources for the staged file.
                var matching = HashAtCuts(Path.Combine(root, file.RelativePath), file.Chunks, job.Cancellation.Token);
                inPlace = matching.Count == file.Chunks.Count;
                foreach (var chunk in matching)
                {
                    byHash.TryAdd(chunk.Sha256, (file.RelativePath, chunk));
                }
            }

            if (file.RelativePath == GameRootLayout.VersionFile)
            {
                work.SentinelInPlace = inPlace;
                continue;
            }

            if (inPlace)
            {
                Interlocked.Add(ref job.BytesDone, file.Size);
                continue;
            }

            work.Staged.Add(file);
            var stagedExists = new FileInfo(Path.Combine(staging, file.RelativePath)) is { Exists: true } info && info.Length == file.Size;
            foreach (var chunk in file.Chunks)
            {
                job.Expected[(file.RelativePath, chunk.Offset)] = chunk.Sha256;
                if (stagedExists && recorded.TryGetValue((file.RelativePath, chunk.Offset), out var sha) && sha == chunk.Sha256)
                {
                    Interlocked.Add(ref job.BytesDone, chunk.Length);
                    continue;
                }

                var wanted = new FileChunk(file.RelativePath, chunk.Offset, chunk.Length);
                if (byHash.TryGetValue(chunk.Sha256, out var source) && source.Chunk.Length == chunk.Length)
                {
                    work.LocalCopies.Add((wanted, source.Path, source.Chunk.Offset));
                }

                work.ToFetch.Add(wanted);
            }
        }

        return work;
    }

    /// <summary>The chunks of <paramref name="chunks"/> whose bytes in <paramref name="path"/> hash as listed (one sequential read).</summary>
    private static List<ManifestChunk> HashAtCuts(string path, IReadOnlyList<ManifestChunk> chunks, CancellationToken cancellationToken)
    {
        var matching = new List<ManifestChunk>();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            using var input = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
            foreach (var chunk in chunks)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (long done = 0; done < chunk.Length;)
                {
                    var read = RandomAccess.Read(input, buffer.AsSpan(0, (int)Math.Min(buffer.Length, chunk.Length - done)), chunk.Offset + done);
                    if (read == 0)
                    {
                        return matching;
                    }

                    sha.AppendData(buffer.AsSpan(0, read));
                    done += read;
                }

                if (Convert.ToHexStringLower(sha.GetHashAndReset()) == chunk.Sha256)
                {
                    matching.Add(chunk);
                }
            }
        }
        catch (IOException)
        {
            // unreadable here: fetch it
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return matching;
    }

    /// <summary>Copies chunks found in this root's files into the staged files, verifying each on the way (a local file may have changed since it was hashed).</summary>
    private static void CopyLocalChunks(DownloadJob job, List<(FileChunk Target, string Source, long SourceOffset)> copies, string staging)
    {
        if (copies.Count == 0)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            foreach (var group in copies.GroupBy(c => c.Target.RelativePath, StringComparer.Ordinal))
            {
                using var target = File.OpenHandle(Path.Combine(staging, group.Key), FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                foreach (var (chunk, source, sourceOffset) in group)
                {
                    job.Cancellation.Token.ThrowIfCancellationRequested();
                    using var input = File.OpenHandle(Path.Combine(job.Root, source), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                    for (long done = 0; done < chunk.Length;)
                    {
                        var read = RandomAccess.Read(input, buffer.AsSpan(0, (int)Math.Min(buffer.Length, chunk.Length - done)), sourceOffset + done);
                        if (read == 0)
                        {
                            break;
                        }

                        sha.AppendData(buffer.AsSpan(0, read));
                        try
                        {
                            RandomAccess.Write(target, buffer.AsSpan(0, read), chunk.Offset + done);
                        }
                        catch (IOException ex)
                        {
                            throw new LocalWriteException($"cannot write '{chunk.RelativePath}' at {chunk.Offset + done}: {ex.Message}", ex);
                        }

                        done += read;
                    }

                    var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
                    if (hash == job.Expected[(chunk.RelativePath, chunk.Offset)])
                    {
                        job.Copied.Add((chunk.RelativePath, chunk.Offset));
                        Interlocked.Add(ref job.BytesDone, chunk.Length);
                        job.Record!.Add(chunk.RelativePath, chunk.Offset, chunk.Length, hash);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void PreSize(string staging, IEnumerable<ManifestFile> files)
    {
        foreach (var file in files)
        {
            var path = Path.Combine(staging, file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                if (File.Exists(path))
                {
                    // Resizing an existing staged file to the final size is the one sanctioned truncation:
                    // the chunk writes that follow never truncate.
                    using var existing = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                    if (RandomAccess.GetLength(existing) != file.Size)
                    {
                        RandomAccess.SetLength(existing, file.Size);
                    }
                }
                else
                {
                    // Preallocation (fallocate) makes a full disk fail here, before any transfer.
                    using var created = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite, FileOptions.None, preallocationSize: file.Size);
                    RandomAccess.SetLength(created, file.Size);
                }
            }
            catch (IOException ex)
            {
                throw new LocalWriteException($"cannot create '{file.RelativePath}' at {file.Size} bytes: {ex.Message}", ex);
            }
        }
    }

    private async Task FetchAllAsync(DownloadJob job, GameManifest manifest, List<FileChunk> chunks, List<PeerClient> peers, CancellationToken cancellationToken)
    {
        // Swarming: partial holders of this manifest (and complete ones the listings have not shown yet) join as they are found.
        await using var swarm = _options.Swarming && chunks.Count > 0
            ? new Swarm.SwarmFeed(
                (joined, gained) => new Swarm.SwarmTracker(_options, _connected, _trustedPeers, _peerGameDb, _loggerFactory.CreateLogger<Swarm.SwarmTracker>(), job.Game, manifest, joined, gained, job.Banned.ContainsKey),
                manifest, chunks, cancellationToken)
            : null;
        await new ChunkScheduler(_planner, _options, _events, _peerGameDb, _connected, _liveness, job, _logger, chunks, peers, (peer, ct) => OffersAsync(peer, job.Game, manifest, ct), swarm).RunAsync(cancellationToken);
    }

    /// <summary>Whether a peer that showed up during a download offers the manifest being fetched (checked as in GetGame).</summary>
    private async Task<bool> OffersAsync(PeerClient peer, string game, GameManifest manifest, CancellationToken cancellationToken)
    {
        if (_peerGameDb.LatestVersion(game) != manifest.Version)
        {
            return false; // the peers now announce another version: not the one being fetched
        }

        var known = _peerGameDb.FilesOf(peer.Id, game);
        if (known?.Manifest?.Digest == manifest.Digest && known.Version == manifest.Version)
        {
            return true;
        }

        var (_, details, _, _) = await CheckPeerAsync(peer, game, manifest.Version, cancellationToken);
        return details?.Manifest?.Digest == manifest.Digest;
    }

    private async Task<byte[]> FetchSentinelAsync(string game, GameManifest manifest, List<PeerClient> peers, CancellationToken cancellationToken)
    {
        var entry = manifest.Files.FirstOrDefault(f => f.RelativePath == GameRootLayout.VersionFile);
        if (entry is null || entry.Size > MaxSentinelBytes)
        {
            return System.Text.Encoding.UTF8.GetBytes(manifest.Version + "\n");
        }

        Exception? last = null;
        foreach (var peer in peers.Where(p => _connected.Find(p.Id) is not null))
        {
            try
            {
                var bytes = await peer.FetchBytesAsync(game, GameRootLayout.VersionFile, entry.Size, cancellationToken);
                if (Matches(entry, bytes) && LibraryScanner.ParseVersion(bytes) == manifest.Version)
                {
                    return bytes;
                }

                last = new IOException($"{peer.Name}'s {GameRootLayout.VersionFile} does not match the manifest");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                last = ex;
            }
        }

        throw new IOException($"could not fetch a verified {GameRootLayout.VersionFile}: {last?.Message}");
    }

    /// <summary>Who holds this download's version (connected peers, complete or partial) and what each served so far: "3 peers, 2 partial".</summary>
    private (int Peers, int Partial, IReadOnlyList<PeerBytes> BytesByPeer) SwarmOf(DownloadJob job)
    {
        var holders = job.Availability is null ? [] : _peerGameDb.Holders(job.Game, job.Availability.Manifest.Digest)
            .Where(h => _connected.Find(h.Peer.PeerId) is not null).ToList();
        var ids = holders.Select(h => h.Peer.PeerId).Concat(job.BytesByPeer.Keys).Where(id => !job.Banned.ContainsKey(id)).ToHashSet();
        var partial = holders.Count(h => !h.Availability.Complete && ids.Contains(h.Peer.PeerId));
        var byPeer = job.BytesByPeer.Select(kv => new PeerBytes(_peerGameDb.NameOf(kv.Key) ?? kv.Key.Abbreviated, kv.Key, kv.Value))
            .OrderByDescending(p => p.Bytes).ToList();
        return (ids.Count, partial, byPeer);
    }

    private async Task ReportProgressAsync(DownloadJob job, CancellationToken cancellationToken)
    {
        var last = Interlocked.Read(ref job.BytesDone);
        var lastTime = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(ProgressInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var done = Interlocked.Read(ref job.BytesDone);
                var now = Stopwatch.GetTimestamp();
                var rate = (done - last) / Math.Max(0.001, Stopwatch.GetElapsedTime(lastTime, now).TotalSeconds);
                (last, lastTime) = (done, now);
                var (peers, partial, byPeer) = SwarmOf(job);
                _events.Publish(new DownloadProgress(job.Game, done, job.TotalBytes, Math.Max(0, rate), peers, partial, byPeer));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
