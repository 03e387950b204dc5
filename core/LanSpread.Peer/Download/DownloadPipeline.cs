using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using LanSpread.Core.Events;
using LanSpread.Core.Model;
using LanSpread.Core.Planning;
using LanSpread.Peer.FileSystem;
using LanSpread.Peer.Peers;
using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Download;

/// <summary>
/// The puller (DESIGN A.7):
/// <code>
/// GetGame/FetchLatest ─► GetGame on peers with the latest version ─► PeerGameDB file lists ─► GotGameFiles
/// DownloadGameFiles ─► claim game ─► park version.ini ─► size files ─► DownloadGameFilesBegin
///   ─► IChunkPlanner plan over peers with the latest version
///   ─► per peer: K chunk requests in flight, one stream each, positioned writes at the chunk offset
///   ─► failed/orphaned chunks ─► retry rounds (≤ MaxRetryCount) on peers that still answer
///   ─► version.ini (held in memory) ─► .version.ini.tmp ─► flush ─► rename ─► Finished ─► install
/// </code>
/// </summary>
internal sealed class DownloadPipeline
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ChunkTimeout = TimeSpan.FromSeconds(120);
    private const int BufferSize = 1024 * 1024;
    private const int MaxSentinelBytes = 64 * 1024;

    private readonly RuntimeContext _context;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, DownloadJob> _jobs = new(StringComparer.Ordinal);

    public DownloadPipeline(RuntimeContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<DownloadPipeline>();
    }

    /// <summary>Asks the peers with the latest version for the game's files (GetGame and FetchLatestFromPeers).</summary>
    public async Task FetchDetailsAsync(string game, CancellationToken cancellationToken)
    {
        var db = _context.PeerGameDb;
        var version = db.LatestVersion(game);
        var peers = db.PeersWithLatest(game).Select(p => _context.Connector.Find(p.PeerId)).OfType<PeerClient>().ToList();
        if (version is null || peers.Count == 0)
        {
            _context.Events.Publish(new NoPeersHaveGame(game));
            return;
        }

        var answers = await Task.WhenAll(peers.Select(async peer =>
        {
            try
            {
                var details = await peer.GetGameAsync(game, cancellationToken);
                db.SetFiles(peer.Id, details);
                return (peer, details);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogInformation("{Peer} did not give the files of {Game}: {Error}", peer.Name, game, ex.Message);
                return (peer, (GameDetails?)null);
            }
        }));

        var matching = answers.Where(a => a.Item2 is not null && a.Item2.Version == version).ToList();
        if (matching.Count == 0)
        {
            _context.Events.Publish(new NoPeersHaveGame(game));
            return;
        }

        // Merge: the union of the lists of the latest version (peers normally agree exactly).
        var files = matching.SelectMany(a => a.Item2!.Files)
            .GroupBy(f => f.RelativePath, StringComparer.Ordinal)
            .Select(g => g.First())
            .OrderBy(f => f.RelativePath, StringComparer.Ordinal)
            .ToList();
        _context.Events.Publish(new GotGameFiles(game, version, files, matching.Select(a => a.peer.Ref).ToList()));
    }

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

    /// <summary>Runs a whole download; returns true when the sentinel was committed.</summary>
    public async Task<bool> DownloadAsync(string game, IReadOnlyList<GameFileDescription> files, CancellationToken cancellationToken)
    {
        using var claim = _context.Operations.TryBegin(game, OperationTracker.Download);
        if (claim is null)
        {
            var running = _context.Operations.RunningOperation(game);
            _context.Events.Publish(new DownloadGameFilesFailed(game, $"a {running} of '{game}' is already running; wait for it or cancel it"));
            return false;
        }

        _context.Library.BumpRevision(); // peers drop this game from what we announce while it downloads
        var version = _context.PeerGameDb.LatestVersion(game);
        var peers = _context.PeerGameDb.PeersWithLatest(game).Select(p => _context.Connector.Find(p.PeerId)).OfType<PeerClient>().ToList();
        if (version is null || peers.Count == 0)
        {
            _context.Events.Publish(new DownloadGameFilesFailed(game, "no connected peer offers this game"));
            return false;
        }

        // Resolved against this peer's own root too, so a symlink in it cannot redirect a write outside.
        var root = _context.Library.RootOf(game);
        var invalid = files.FirstOrDefault(f => !GamePathResolver.TryResolve(root, f.RelativePath, out _, out _) || f.Size < 0);
        if (invalid is not null)
        {
            _context.Events.Publish(new DownloadGameFilesFailed(game, $"refusing file '{invalid.RelativePath}': it would leave the game root or is reserved"));
            return false;
        }

        var sentinelFile = files.FirstOrDefault(f => f.RelativePath == GameRootLayout.VersionFile && !f.IsDirectory);
        var payload = files.Where(f => !f.IsDirectory && f != sentinelFile).ToList();
        var total = payload.Sum(f => f.Size);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var job = new DownloadJob(game, root, total, cancellation);
        _jobs[game] = job;
        var sentinel = new VersionSentinel(root);
        var stopwatch = Stopwatch.StartNew();
        using var progressStop = new CancellationTokenSource();
        Task? progress = null;
        try
        {
            Directory.CreateDirectory(root);
            sentinel.Park();
            foreach (var directory in files.Where(f => f.IsDirectory))
            {
                Directory.CreateDirectory(Path.Combine(root, directory.RelativePath));
            }

            PreSize(root, payload);
            _context.Events.Publish(new DownloadGameFilesBegin(game, version, total, peers.Select(p => p.Ref).ToList()));
            progress = ReportProgressAsync(job, progressStop.Token);

            var chunks = Chunk(payload, _context.Options.ChunkSize);
            await FetchAllAsync(job, chunks, peers, cancellation.Token);

            // The sentinel last: only now do the files on disk form this version.
            var content = await FetchSentinelAsync(game, sentinelFile, peers, version, cancellation.Token);
            sentinel.Commit(content);
            await progressStop.CancelAsync();
            await progress;
            _context.Events.Publish(new DownloadProgress(game, job.BytesDone, total, 0));
            var byPeer = job.BytesByPeer.Select(kv => new PeerBytes(_context.PeerGameDb.NameOf(kv.Key) ?? kv.Key.Abbreviated, kv.Key, kv.Value))
                .OrderByDescending(p => p.Bytes).ToList();
            _context.Events.Publish(new DownloadGameFilesFinished(game, version, byPeer, stopwatch.Elapsed.TotalSeconds));
            _logger.LogInformation("Downloaded {Game} {Version}: {Bytes} bytes in {Seconds:0.00}s", game, version, total, stopwatch.Elapsed.TotalSeconds);
            return true;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            sentinel.Sweep();
            _context.Events.Publish(new DownloadGameFilesCancelled(game, job.CancelReason ?? (cancellationToken.IsCancellationRequested ? "the peer is shutting down" : "cancelled")));
            return false;
        }
        catch (Exception ex)
        {
            sentinel.Sweep();
            var reason = ex switch
            {
                IOException io when DiskErrors.IsDiskFull(io) => $"disk full: {DiskErrors.Innermost(io).Message}",
                LocalWriteException w => $"writing to disk failed: {w.InnerException?.Message ?? w.Message}",
                _ => ex.Message,
            };
            _logger.LogWarning("Download of {Game} failed: {Reason}", game, reason);
            _context.Events.Publish(new DownloadGameFilesFailed(game, reason));
            return false;
        }
        finally
        {
            await progressStop.CancelAsync();
            if (progress is not null)
            {
                await progress.ContinueWith(_ => { }, TaskScheduler.Default);
            }

            _jobs.TryRemove(game, out _);
        }
    }

    internal static List<FileChunk> Chunk(IEnumerable<GameFileDescription> files, long chunkSize)
    {
        var chunks = new List<FileChunk>();
        foreach (var file in files.Where(f => f.Size > 0))
        {
            for (long offset = 0; offset < file.Size; offset += chunkSize)
            {
                chunks.Add(new FileChunk(file.RelativePath, offset, Math.Min(chunkSize, file.Size - offset)));
            }
        }

        return chunks;
    }

    private static void PreSize(string root, IEnumerable<GameFileDescription> files)
    {
        foreach (var file in files)
        {
            var path = Path.Combine(root, file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                if (File.Exists(path))
                {
                    // Resizing an existing file to the final size is the one sanctioned truncation: the
                    // chunk writes that follow never truncate.
                    using var existing = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                    RandomAccess.SetLength(existing, file.Size);
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

    private async Task FetchAllAsync(DownloadJob job, List<FileChunk> chunks, List<PeerClient> peers, CancellationToken cancellationToken)
    {
        var pending = chunks;
        var alive = peers;
        for (var round = 0; pending.Count > 0; round++)
        {
            if (round > _context.Options.MaxRetryCount)
            {
                throw new IOException($"{pending.Count} chunks still failing after {_context.Options.MaxRetryCount} retry rounds");
            }

            if (alive.Count == 0)
            {
                throw new IOException($"every serving peer failed; {pending.Count} chunks missing");
            }

            if (round > 0)
            {
                _logger.LogInformation("Retry round {Round}: {Chunks} chunks on {Peers} peers", round, pending.Count, alive.Count);
            }

            var plan = _context.Planner.CreatePlan(new ChunkPlanRequest(pending, alive.Select(p => new PlannerPeer(p.Id, p.Name)).ToList()));
            var failed = new ConcurrentBag<FileChunk>();
            var dead = new ConcurrentDictionary<PeerId, string>();
            var workers = alive.SelectMany(peer => Enumerable.Range(0, Math.Max(1, _context.Options.ChunksInFlightPerPeer))
                .Select(_ => RunWorkerAsync(job, peer, plan, failed, dead, cancellationToken)));
            await Task.WhenAll(workers);
            cancellationToken.ThrowIfCancellationRequested();
            pending = failed.ToList();
            if (pending.Count == 0)
            {
                return; // no retry round, so no need to ask who still answers
            }

            alive = (await Task.WhenAll(alive.Where(p => !dead.ContainsKey(p.Id)).Select(async p => (p, ok: await AnswersAsync(p, cancellationToken)))))
                .Where(x => x.ok).Select(x => x.p).ToList();
        }
    }

    private async Task<bool> AnswersAsync(PeerClient peer, CancellationToken cancellationToken)
    {
        if (_context.Connector.Find(peer.Id) is null)
        {
            return false;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await peer.PingAsync(timeout.Token);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogDebug("{Peer} no longer answers: {Error}", peer.Name, ex.Message);
            return false;
        }
    }

    private async Task RunWorkerAsync(DownloadJob job, PeerClient peer, IChunkPlan plan, ConcurrentBag<FileChunk> failed, ConcurrentDictionary<PeerId, string> dead, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (!dead.ContainsKey(peer.Id) && plan.TryTakeNext(peer.Id, out var chunk))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await FetchChunkAsync(job, peer, chunk, buffer, cancellationToken);
                    plan.ReportCompleted(peer.Id, chunk, Stopwatch.GetElapsedTime(started));
                    job.BytesByPeer.AddOrUpdate(peer.Id, chunk.Length, (_, n) => n + chunk.Length);
                    _context.Events.Publish(new ChunkCompleted(job.Game, chunk.RelativePath, chunk.Offset, chunk.Length, peer.Name, peer.Id));
                }
                catch (LocalWriteException)
                {
                    throw; // the local disk, not the peer: fail the whole download now
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    plan.ReportFailed(peer.Id, chunk, ex);
                    failed.Add(chunk);
                    if (dead.TryAdd(peer.Id, ex.Message))
                    {
                        _logger.LogWarning("{Peer} failed a chunk of {Game} ({Error}); its remaining chunks go to the others", peer.Name, job.Game, ex.Message);
                        foreach (var orphan in plan.RemovePeer(peer.Id))
                        {
                            failed.Add(orphan);
                        }
                    }
                }
            }
        }
        catch (LocalWriteException)
        {
            await job.Cancellation.CancelAsync();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task FetchChunkAsync(DownloadJob job, PeerClient peer, FileChunk chunk, byte[] buffer, CancellationToken cancellationToken)
    {
        var path = Path.Combine(job.Root, chunk.RelativePath);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, FileOptions.Asynchronous);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ChunkTimeout);
        long written = 0;
        try
        {
            await peer.FetchChunkAsync(job.Game, chunk.RelativePath, chunk.Offset, chunk.Length, handle, buffer,
                n =>
                {
                    written += n;
                    Interlocked.Add(ref job.BytesDone, n);
                }, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Add(ref job.BytesDone, -written); // the chunk will be fetched again
            // Say what happened, not "The operation was canceled": the peer stalled on this chunk.
            throw new TimeoutException($"{peer.Name} stalled: {written} of {chunk.Length} bytes of '{chunk.RelativePath}' at offset {chunk.Offset} in {ChunkTimeout.TotalSeconds:0}s");
        }
        catch
        {
            Interlocked.Add(ref job.BytesDone, -written); // the chunk will be fetched again
            throw;
        }
    }

    private async Task<byte[]> FetchSentinelAsync(string game, GameFileDescription? sentinelFile, List<PeerClient> peers, string version, CancellationToken cancellationToken)
    {
        if (sentinelFile is null || sentinelFile.Size > MaxSentinelBytes)
        {
            return System.Text.Encoding.UTF8.GetBytes(version + "\n");
        }

        Exception? last = null;
        foreach (var peer in peers.Where(p => _context.Connector.Find(p.Id) is not null))
        {
            try
            {
                return await peer.FetchBytesAsync(game, GameRootLayout.VersionFile, sentinelFile.Size, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                last = ex;
            }
        }

        throw new IOException($"could not fetch {GameRootLayout.VersionFile}: {last?.Message}");
    }

    private async Task ReportProgressAsync(DownloadJob job, CancellationToken cancellationToken)
    {
        var last = 0L;
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
                _context.Events.Publish(new DownloadProgress(job.Game, done, job.TotalBytes, Math.Max(0, rate)));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
