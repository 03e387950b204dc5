using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
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
/// Fetches a download's chunks from its peers through an <see cref="IChunkPlan"/>, without rounds:
/// <code>
/// loop (one thread owns the state; requests are tasks that post their end to a channel):
///   fill ─► per active peer: while the plan gives it a chunk ─► request (first copy in place, extra copies to a side file)
///   end ─► verified ─► record, ChunkCompleted, plan.ReportCompleted, cancel the other copies
///       │  bad data ─► ChunkRejected + PeerBanned, peer removed │ error ─► plan.ReportFailed (3 in a row: peer removed)
///   tick (200 ms) ─► peer rates ─► peer silent for StallPolicy.StallAfter (its own rate) ─► plan.ReportStalled per request
///                                  (the request runs on; the plan snubs the peer) │ no byte for 30 s ─► cancelled as failed
///   every second ─► peers with the same manifest digest that joined (checked in the background) or came back ─► plan.AddPeer
/// </code>
/// A local write error fails at once; cancellation stops every request before returning.
/// </summary>
internal sealed class ChunkScheduler
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);

    /// <summary>Chunks kept in order ahead of a streaming install's read position (about 32 MiB at the default 4 MiB average).</summary>
    private const int StreamingWindow = 8;
    private static readonly TimeSpan PeerScanInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan NoPeerGrace = TimeSpan.FromSeconds(5);
    private const int BufferSize = 1024 * 1024;

    // A ceiling on any plan's appetite, so a planner bug cannot open thousands of streams.
    private const int MaxRequestsPerPeer = 32;
    private const int FailuresBeforeRemoval = 3;

    private readonly IChunkPlanner _planner;
    private readonly PeerRuntimeOptions _options;
    private readonly EventBus _events;
    private readonly PeerGameDB _peerGameDb;
    private readonly IConnectedPeers _connected;
    private readonly PeerLiveness _liveness;
    private readonly DownloadJob _job;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<FileChunk> _chunks;
    private readonly Func<PeerClient, CancellationToken, Task<bool>> _offersSameContent;
    private readonly Swarm.SwarmFeed? _swarm;
    private readonly Dictionary<PeerId, SchedulerPeer> _peers = [];
    private readonly Dictionary<PeerId, long> _checked = [];
    private readonly Dictionary<PeerId, (PeerClient Client, Task<bool> Offers)> _checking = [];
    private readonly Dictionary<int, List<ChunkRequest>> _inFlight = [];
    private readonly Channel<ChunkRequest> _ended = Channel.CreateUnbounded<ChunkRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly bool[] _done;
    private readonly int[] _failures;
    private readonly string _sideDirectory;
    private int _remaining;
    private int _sideFiles;
    private readonly long _started = Stopwatch.GetTimestamp();
    private int _extraCopies;
    private int _extraWins;
    private int _stalls;
    private long _wastedBytes;
    private IChunkPlan _plan = null!;
    private Dictionary<string, (long Offset, int Index)[]>? _byFile;

    public ChunkScheduler(IChunkPlanner planner, PeerRuntimeOptions options, EventBus events, PeerGameDB peerGameDb, IConnectedPeers connected, PeerLiveness liveness,
        DownloadJob job, ILogger logger, IReadOnlyList<FileChunk> chunks, IEnumerable<PeerClient> peers,
        Func<PeerClient, CancellationToken, Task<bool>> offersSameContent, Swarm.SwarmFeed? swarm = null)
    {
        _swarm = swarm;
        _planner = planner;
        _options = options;
        _events = events;
        _peerGameDb = peerGameDb;
        _connected = connected;
        _liveness = liveness;
        _job = job;
        _logger = logger;
        _chunks = chunks;
        _offersSameContent = offersSameContent;
        _done = new bool[chunks.Count];
        _failures = new int[chunks.Count];
        _remaining = chunks.Count;
        _sideDirectory = Path.Combine(job.Root, GameRootLayout.PartialDirectory, ".lanspread.dup");
        foreach (var peer in peers)
        {
            _peers[peer.Id] = new SchedulerPeer(peer, null);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_remaining == 0)
        {
            return;
        }

        _plan = _planner.CreatePlan(new ChunkPlanRequest(_chunks, _peers.Values.Select(ToPlanner).ToList(), Math.Max(1, _options.ChunksInFlightPerPeer)));
        var lastTick = Stopwatch.GetTimestamp();
        var nextScan = Stopwatch.GetTimestamp() + (long)(PeerScanInterval.TotalSeconds * Stopwatch.Frequency);
        long? stuckSince = null;
        try
        {
            Fill(cancellationToken);
            while (_remaining > 0)
            {
                try
                {
                    await _ended.Reader.WaitToReadAsync(cancellationToken).AsTask().WaitAsync(Tick, cancellationToken);
                }
                catch (TimeoutException)
                {
                    // a tick: rates, stalls, peers
                }

                while (_ended.Reader.TryRead(out var request))
                {
                    await EndAsync(request);
                }

                if (Stopwatch.GetElapsedTime(lastTick) >= Tick)
                {
                    var since = Stopwatch.GetElapsedTime(lastTick);
                    lastTick = Stopwatch.GetTimestamp();
                    foreach (var peer in _peers.Values)
                    {
                        peer.Sample(since);
                    }

                    DetectStalls();
                }

                if (Stopwatch.GetTimestamp() >= nextScan && _remaining > 0)
                {
                    nextScan = Stopwatch.GetTimestamp() + (long)(PeerScanInterval.TotalSeconds * Stopwatch.Frequency);
                    ScanPeers(cancellationToken);
                }

                ApplySwarm();
                PrioritizeForReader();
                Fill(cancellationToken);
                if (_remaining > 0 && _inFlight.Count == 0)
                {
                    stuckSince ??= Stopwatch.GetTimestamp();
                    ThrowIfHopeless(stuckSince.Value);
                }
                else
                {
                    stuckSince = null;
                }
            }
        }
        finally
        {
            await StopAllAsync();
        }
    }

    /// <summary>
    /// A streaming install waits for a chunk: the plan's window starts there (issue 22), so the archive
    /// completes in order near the unpacker's read position while the rest stays rarest-first.
    /// </summary>
    private void PrioritizeForReader()
    {
        if (_job.Staged?.TakeReadHint() is not { } hint)
        {
            return;
        }

        // The chunks to fetch are in file order, then offset order: the window starts at the first one at or after the reader.
        _byFile ??= _chunks.Select((c, i) => (c, i)).GroupBy(x => x.c.RelativePath, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => (x.c.Offset, Index: x.i)).ToArray(), StringComparer.Ordinal);
        if (_byFile.TryGetValue(hint.Path, out var chunks) && Array.FindIndex(chunks, c => c.Offset >= hint.Offset) is var first and >= 0)
        {
            _plan.Prioritize(chunks[first].Index, StreamingWindow);
        }
    }

    private static PlannerPeer ToPlanner(SchedulerPeer peer) => new(peer.Id, peer.Name, peer.Holds);

    /// <summary>Issues whatever the plan gives each active peer, the fastest first (they get the scarce chunks in the end-game).</summary>
    private void Fill(CancellationToken cancellationToken)
    {
        foreach (var peer in _peers.Values.Where(p => p.Active).OrderByDescending(p => p.Rate).ToList())
        {
            for (var guard = 0; peer.InFlight.Count < MaxRequestsPerPeer && guard < 2 * MaxRequestsPerPeer && _plan.TryTakeNext(peer.Id, out var planned); guard++)
            {
                if ((uint)planned.Index >= (uint)_chunks.Count || _done[planned.Index] || peer.InFlight.Any(r => r.Index == planned.Index))
                {
                    // A plan's slip: nothing to fetch; tell it the chunk is settled so it stops counting it.
                    if ((uint)planned.Index < (uint)_chunks.Count)
                    {
                        _plan.ReportCompleted(peer.Id, planned.Index, 0, TimeSpan.Zero);
                    }

                    continue;
                }

                Start(peer, planned with { Chunk = _chunks[planned.Index] }, cancellationToken);
            }
        }
    }

    private void Start(SchedulerPeer peer, PlannedChunk planned, CancellationToken cancellationToken)
    {
        if (!_inFlight.TryGetValue(planned.Index, out var copies))
        {
            _inFlight[planned.Index] = copies = [];
        }

        var inPlace = !copies.Any(c => c.InPlace);
        var side = inPlace ? null : Path.Combine(_sideDirectory, $"{planned.Index}.{Interlocked.Increment(ref _sideFiles)}");
        var request = new ChunkRequest(peer, planned, inPlace, side, cancellationToken);
        copies.Add(request);
        peer.InFlight.Add(request);
        peer.BusyChanged(peer.InFlight.Count - 1);
        if (!inPlace)
        {
            _extraCopies++;
        }

        request.Task = FetchAsync(request);
    }

    /// <summary>Fetches one copy of a chunk, hashing the bytes as they arrive; never throws (the end goes to the channel).</summary>
    private async Task FetchAsync(ChunkRequest request)
    {
        await Task.Yield();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var chunk = request.Chunk;
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            string path;
            if (request.SidePath is { } side)
            {
                Directory.CreateDirectory(_sideDirectory);
                path = side;
            }
            else
            {
                path = Path.Combine(_job.Root, GameRootLayout.PartialDirectory, chunk.RelativePath);
            }

            using var handle = File.OpenHandle(path, request.InPlace ? FileMode.Open : FileMode.Create, FileAccess.Write, FileShare.ReadWrite, FileOptions.Asynchronous);
            await request.Peer.Client.FetchChunkAsync(_job.Game, chunk.RelativePath, chunk.Offset, chunk.Length, handle, buffer,
                n =>
                {
                    request.Progress(n);
                    request.Peer.Received(n);
                    if (request.InPlace)
                    {
                        Interlocked.Add(ref _job.BytesDone, n);
                    }
                }, sha, request.Cancellation.Token);
            request.Hash = Convert.ToHexStringLower(sha.GetHashAndReset());
        }
        catch (Exception ex)
        {
            request.Error = ex;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _ended.Writer.TryWrite(request);
        }
    }

    private async Task EndAsync(ChunkRequest request)
    {
        var peer = request.Peer;
        var index = request.Index;
        var chunk = request.Chunk;
        _inFlight[index].Remove(request);
        if (_inFlight[index].Count == 0)
        {
            _inFlight.Remove(index);
        }

        peer.InFlight.Remove(request);
        peer.BusyChanged(peer.InFlight.Count + 1);
        request.Cancellation.Dispose();
        if (request.Error is LocalWriteException)
        {
            Discard(request);
            throw request.Error; // the local disk, not the peer: fail the whole download now
        }

        var expected = _job.Expected[(chunk.RelativePath, chunk.Offset)];
        if (_done[index] || (request.Error is OperationCanceledException && !request.GaveUp))
        {
            Discard(request); // a losing copy, or the download is being cancelled
            return;
        }

        if (request.Error is null && request.Hash == expected)
        {
            await CompleteAsync(request, expected);
            return;
        }

        Discard(request);
        if (request.Dropped)
        {
            return;
        }

        var error = request.Error switch
        {
            null => new ChunkVerificationException($"SHA-256 {ManifestCodec.Abbreviate(request.Hash)} where the manifest says {ManifestCodec.Abbreviate(expected)}"),
            OperationCanceledException when request.GaveUp => new TimeoutException(
                $"{peer.Name} stalled: {request.Received} of {chunk.Length} bytes of '{chunk.RelativePath}' at offset {chunk.Offset}, nothing for {StallPolicy.GiveUpAfter.TotalSeconds:0}s"),
            _ => request.Error,
        };
        _plan.ReportFailed(peer.Id, index, error);
        _failures[index]++;
        if (error is ChunkVerificationException)
        {
            _events.Publish(new ChunkRejected(_job.Game, chunk.RelativePath, chunk.Offset, chunk.Length, peer.Name, peer.Id, error.Message));
            if (_job.Banned.TryAdd(peer.Id, (peer.Name, $"bad data for '{chunk.RelativePath}' at {chunk.Offset}")))
            {
                _logger.LogWarning("{Peer} sent bad data for {File}@{Offset} of {Game}: banned from this download", peer.Name, chunk.RelativePath, chunk.Offset, _job.Game);
                _events.Publish(new PeerBanned(_job.Game, peer.Name, peer.Id, $"sent bad data for '{chunk.RelativePath}' at {chunk.Offset}: {error.Message}"));
            }

            peer.Banned = true;
            Remove(peer, error.Message);
        }
        else
        {
            peer.ConsecutiveFailures++;
            _liveness.Suspect(peer.Id); // a dead peer is then pruned in a few pings, not after its quiet time
            var gone = _connected.Find(peer.Id) is null;
            _logger.LogInformation("{Peer} failed {File}@{Offset} of {Game} ({Error}); the chunk goes back to the plan", peer.Name, chunk.RelativePath, chunk.Offset, _job.Game, error.Message);
            if (peer.Active && (gone || peer.ConsecutiveFailures >= FailuresBeforeRemoval))
            {
                Remove(peer, error.Message);
            }
        }

        var limit = (_options.MaxRetryCount + 1) * Math.Max(1, _peers.Count);
        if (_failures[index] > limit)
        {
            var failing = _failures.Count(f => f > limit);
            throw new IOException($"{failing} chunks still failing after {_options.MaxRetryCount} retries per peer{BannedSuffix()}; last error: {error.Message}");
        }
    }

    private async Task CompleteAsync(ChunkRequest request, string hash)
    {
        var peer = request.Peer;
        var chunk = request.Chunk;
        var others = _inFlight.TryGetValue(request.Index, out var copies) ? copies.ToList() : [];
        foreach (var other in others)
        {
            other.Dropped = true;
            await other.Cancellation.CancelAsync();
        }

        if (!request.InPlace)
        {
            // The in-place copy must have stopped writing before the winner's bytes go where it wrote.
            await Task.WhenAll(others.Where(o => o.InPlace).Select(o => o.Task));
            CopyIntoPlace(request, hash);
            Interlocked.Add(ref _job.BytesDone, chunk.Length);
        }

        _done[request.Index] = true;
        _remaining--;
        _job.Record!.Add(chunk.RelativePath, chunk.Offset, chunk.Length, hash);
        _job.Availability?.MarkStaged(chunk.RelativePath, chunk.Offset); // served to other peers from now on (swarming)
        _job.Staged?.MarkVerified(chunk.RelativePath, chunk.Offset);
        _plan.ReportCompleted(peer.Id, request.Index, chunk.Length, request.Elapsed);
        peer.ConsecutiveFailures = 0;
        peer.Served += chunk.Length;
        peer.CompletedOne();
        if (!request.InPlace)
        {
            _extraWins++;
        }

        _job.BytesByPeer.AddOrUpdate(peer.Id, chunk.Length, (_, n) => n + chunk.Length);
        _job.RateByPeer[peer.Id] = peer.MeanRate();
        _events.Publish(new ChunkCompleted(_job.Game, chunk.RelativePath, chunk.Offset, chunk.Length, peer.Name, peer.Id));
    }

    /// <summary>Copies a winning extra copy from its side file into the staged file, verifying it again on the way.</summary>
    private void CopyIntoPlace(ChunkRequest request, string hash)
    {
        var chunk = request.Chunk;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using (var source = File.OpenHandle(request.SidePath!, FileMode.Open, FileAccess.Read))
            using (var target = File.OpenHandle(Path.Combine(_job.Root, GameRootLayout.PartialDirectory, chunk.RelativePath), FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                for (long done = 0; done < chunk.Length;)
                {
                    var read = RandomAccess.Read(source, buffer.AsSpan(0, (int)Math.Min(buffer.Length, chunk.Length - done)), chunk.Offset + done);
                    if (read == 0)
                    {
                        throw new LocalWriteException($"the side copy of '{chunk.RelativePath}' at {chunk.Offset} is short", new EndOfStreamException());
                    }

                    sha.AppendData(buffer.AsSpan(0, read));
                    RandomAccess.Write(target, buffer.AsSpan(0, read), chunk.Offset + done);
                    done += read;
                }
            }

            if (Convert.ToHexStringLower(sha.GetHashAndReset()) != hash)
            {
                throw new LocalWriteException($"the side copy of '{chunk.RelativePath}' at {chunk.Offset} changed on disk", new InvalidDataException());
            }
        }
        catch (IOException ex)
        {
            throw new LocalWriteException($"cannot write '{chunk.RelativePath}' at {chunk.Offset}: {ex.Message}", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            TryDelete(request.SidePath!);
        }
    }

    /// <summary>Takes back what a copy that did not win counted, and deletes its side file.</summary>
    private void Discard(ChunkRequest request)
    {
        _wastedBytes += request.Received;
        if (request.InPlace)
        {
            Interlocked.Add(ref _job.BytesDone, -request.Received);
        }
        else
        {
            TryDelete(request.SidePath!);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // the staging folder goes as a whole at the end
        }
    }

    /// <summary>
    /// A peer silent for <see cref="StallPolicy.StallAfter"/> has every request reported stalled; a single request
    /// silent for <see cref="StallPolicy.RequestStallFactor"/> times that while its peer sends others is reported alone.
    /// </summary>
    private void DetectStalls()
    {
        foreach (var peer in _peers.Values.Where(p => p.InFlight.Count > 0))
        {
            var stallAfter = StallPolicy.StallAfter(peer.Rate, peer.InFlight.Count);
            var silent = peer.Silence() >= stallAfter;
            foreach (var request in peer.InFlight.ToList())
            {
                var idle = request.Idle;
                if (idle >= StallPolicy.GiveUpAfter && !request.GaveUp)
                {
                    request.GaveUp = true;
                    request.Cancellation.Cancel();
                }
                else if (!request.StallReported && !request.Dropped && (silent ? idle >= stallAfter : idle >= stallAfter * StallPolicy.RequestStallFactor))
                {
                    request.StallReported = true;
                    _stalls++;
                    _logger.LogInformation("{Peer} stalled on {File}@{Offset} of {Game}: nothing for {Idle:0.0}s at {Rate:0} B/s; the chunk goes to another peer too",
                        peer.Name, request.Chunk.RelativePath, request.Chunk.Offset, _job.Game, idle.TotalSeconds, peer.Rate);
                    _plan.ReportStalled(peer.Id, request.Index, request.Received, request.Elapsed);
                }
            }
        }
    }

    private void Remove(SchedulerPeer peer, string reason)
    {
        if (!peer.Active)
        {
            return;
        }

        peer.Active = false;
        peer.RemovedAt = Stopwatch.GetTimestamp();
        _plan.RemovePeer(peer.Id);
        foreach (var request in peer.InFlight)
        {
            request.Dropped = true;
            request.Cancellation.Cancel();
        }

        _logger.LogWarning("{Peer} is left out of {Game} for now ({Reason}); its chunks go to the others", peer.Name, _job.Game, reason);
    }

    /// <summary>
    /// Peers offering the same manifest that joined, or came back after failing, are added to the plan at once. A new
    /// peer's offer is checked as GetGame checks it, in the background (the loop keeps the pipes full meanwhile); one
    /// that does not offer this manifest is asked again after 30 s at the earliest.
    /// </summary>
    private void ScanPeers(CancellationToken cancellationToken)
    {
        foreach (var (id, (client, offers)) in _checking.Where(c => c.Value.Offers.IsCompleted).ToList())
        {
            _checking.Remove(id);
            if (offers.IsCompletedSuccessfully && offers.Result && !_peers.ContainsKey(id) && !_job.Banned.ContainsKey(id))
            {
                var peer = new SchedulerPeer(client, null);
                _peers[id] = peer;
                _plan.AddPeer(ToPlanner(peer));
                _logger.LogInformation("{Peer} joined the download of {Game}", peer.Name, _job.Game);
            }
        }

        foreach (var offer in _peerGameDb.PeersWithLatest(_job.Game))
        {
            if (_connected.Find(offer.PeerId) is not { } client || _job.Banned.ContainsKey(offer.PeerId))
            {
                continue;
            }

            if (_peers.TryGetValue(offer.PeerId, out var known))
            {
                if (known.Active || known.Banned || Stopwatch.GetElapsedTime(known.RemovedAt) < known.Backoff)
                {
                    continue;
                }

                // Back after failing: used again, with a longer wait should it fail again.
                Readmit(known, client);
                _logger.LogInformation("{Peer} is back in the download of {Game}", known.Name, _job.Game);
                continue;
            }

            if (_checking.ContainsKey(offer.PeerId)
                || (_checked.TryGetValue(offer.PeerId, out var at) && Stopwatch.GetElapsedTime(at) < TimeSpan.FromSeconds(30)))
            {
                continue;
            }

            _checked[offer.PeerId] = Stopwatch.GetTimestamp();
            _checking[offer.PeerId] = (client, _offersSameContent(client, cancellationToken));
        }

        // A partial peer left out after failures comes back after its back-off too, gains or not: it may hold the
        // only copies of what is left (the seeder gone) while itself waiting for chunks only this peer holds.
        foreach (var partial in _peers.Values.Where(p => p.Holds is not null && !p.Active && !p.Banned && Stopwatch.GetElapsedTime(p.RemovedAt) >= p.Backoff).ToList())
        {
            if (_connected.Find(partial.Id) is { } client)
            {
                Readmit(partial, client);
                _logger.LogInformation("{Peer} (partial) is back in the download of {Game}", partial.Name, _job.Game);
            }
        }
    }

    /// <summary>
    /// Swarming (h15's hook, docs/SWARMING.md): peers found holding chunks of this manifest, partial or complete,
    /// join the plan with what they hold; known partial peers that gained chunks tell the plan. A partial peer
    /// left out after failures comes back when it gains chunks and its back-off has passed (or, gains or not, at the
    /// next peer scan after its back-off).
    /// </summary>
    private void ApplySwarm()
    {
        while (_swarm is not null && _swarm.TryTake(out var change))
        {
            if (_job.Banned.ContainsKey(change.PeerId))
            {
                continue;
            }

            if (!_peers.TryGetValue(change.PeerId, out var peer))
            {
                if (change.Client is null)
                {
                    continue;
                }

                peer = new SchedulerPeer(change.Client, change.Indexes is null ? null : [.. change.Indexes]);
                _peers[peer.Id] = peer;
                _plan.AddPeer(ToPlanner(peer));
                _logger.LogInformation("{Peer} joined the download of {Game} holding {Held} of its {Count} chunks", peer.Name, _job.Game, change.Indexes?.Count ?? _chunks.Count, _chunks.Count);
                continue;
            }

            if (peer.Holds is null || peer.Banned)
            {
                continue; // complete already, or never again
            }

            var gained = change.Indexes is null ? Enumerable.Range(0, _chunks.Count).Except(peer.Holds).ToList() : change.Indexes.Except(peer.Holds).ToList();
            if (gained.Count == 0)
            {
                continue;
            }

            peer.Holds = change.Indexes is null ? null : [.. peer.Holds, .. gained];
            if (peer.Active)
            {
                _plan.PeerGained(peer.Id, gained);
            }
            else if (Stopwatch.GetElapsedTime(peer.RemovedAt) >= peer.Backoff && _connected.Find(peer.Id) is { } client)
            {
                Readmit(peer, client);
            }
        }
    }

    /// <summary>A peer left out after failing is used again, with a longer wait should it fail again.</summary>
    private void Readmit(SchedulerPeer peer, PeerClient client)
    {
        peer.Client = client;
        peer.Active = true;
        peer.ConsecutiveFailures = 0;
        peer.Backoff = TimeSpan.FromSeconds(Math.Min(30, peer.Backoff.TotalSeconds * 2));
        _plan.AddPeer(ToPlanner(peer));
    }

    private void ThrowIfHopeless(long stuckSince)
    {
        var usable = _peers.Values.Where(p => !p.Banned).ToList();
        if (usable.Count == 0)
        {
            throw new IOException($"{_remaining} chunks have no honest holder{BannedSuffix()}; nothing unverified was kept");
        }

        if (Stopwatch.GetElapsedTime(stuckSince) < NoPeerGrace)
        {
            return; // a peer may come back or join
        }

        throw new IOException(usable.Any(p => p.Active)
            ? $"{_remaining} chunks are held by no peer still answering{BannedSuffix()}"
            : $"every serving peer failed; {_remaining} chunks missing{BannedSuffix()}");
    }

    /// <summary>
    /// Where a download's time went, for tuning planners (docs/PLANNING.md): copies fetched twice, stalls, each
    /// peer's mean pipe depth and empty-pipe time, and the tail after the first peer ran out of work.
    /// </summary>
    private void LogSummary()
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var lasts = _peers.Values.Where(p => p.LastCompleted != 0).Select(p => Stopwatch.GetElapsedTime(_started, p.LastCompleted).TotalSeconds).ToList();
        var tail = lasts.Count > 1 ? seconds - lasts.Min() : 0;
        _logger.LogInformation("Fetched {Game} in {Seconds:0.000}s: {Extra} extra copies ({Won} won), {Wasted} bytes fetched and dropped, {Stalls} stalls, tail {Tail:0.000}s after the first peer's last chunk",
            _job.Game, seconds, _extraCopies, _extraWins, _wastedBytes, _stalls, tail);
        foreach (var peer in _peers.Values)
        {
            var (depth, empty) = peer.PipeStats(_started);
            _logger.LogInformation("{Peer}: {Chunks} chunks, {Bytes} bytes, last at {Last:0.000}s, pipe empty {Empty:0.000}s before it, mean {Depth:0.0} in flight",
                peer.Name, peer.Completed, peer.Served, peer.LastCompleted == 0 ? 0 : Stopwatch.GetElapsedTime(_started, peer.LastCompleted).TotalSeconds, empty.TotalSeconds, depth);
        }
    }

    private string BannedSuffix() =>
        _job.Banned.IsEmpty ? string.Empty : "; banned for bad data: " + string.Join(", ", _job.Banned.Values.Select(b => $"{b.Name} ({b.Reason})"));

    /// <summary>Cancels every request still running and waits for them, so nothing writes after the download ended.</summary>
    private async Task StopAllAsync()
    {
        var running = _peers.Values.SelectMany(p => p.InFlight).ToList();
        foreach (var request in running)
        {
            request.Dropped = true;
            await request.Cancellation.CancelAsync();
        }

        await Task.WhenAll(running.Select(r => r.Task));
        while (_ended.Reader.TryRead(out var request))
        {
            Discard(request); // none of these won: a winner is settled when it ends
            request.Cancellation.Dispose();
        }

        LogSummary();
        foreach (var peer in _peers.Values)
        {
            var before = peer.InFlight.Count;
            peer.InFlight.Clear();
            peer.BusyChanged(before);
            if (peer.Served > 0)
            {
                _job.RateByPeer[peer.Id] = peer.MeanRate();
            }
        }
    }
}
