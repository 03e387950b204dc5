using LanSpread.Core.Model;

namespace LanSpread.Core.Planning;

/// <summary>
/// The bookkeeping every plan needs, so that a planner only decides which chunk a peer fetches next. It keeps the
/// waiting chunks, each peer's requests in flight (capped by <see cref="PipeDepth"/>), what each peer holds (complete
/// peers, partial peers and what they gain), puts a failed chunk or a leaving peer's chunks straight back, and offers
/// the streaming window's chunks first.
/// </summary>
/// <remarks>
/// It never hands out duplicates and ignores stalls: a third party's first planner stays small and correct. A planner
/// that measures peers (end-game copies, snubbing) implements <see cref="IChunkPlan"/> itself, as Planner.Adaptive does.
/// Thread-safe: every member runs under one lock, <see cref="Choose"/> and <see cref="PipeDepth"/> included.
/// </remarks>
public abstract class ChunkPlanBase : IChunkPlan
{
    private readonly Lock _gate = new();
    private readonly SortedSet<int> _waiting;
    private readonly Dictionary<PeerId, HashSet<int>> _inFlight = [];

    // What each usable peer holds; null for a complete peer. A peer absent here is unknown or removed.
    private readonly Dictionary<PeerId, HashSet<int>?> _holds = [];
    private (int From, int Count) _window;

    /// <summary>Starts a plan over every chunk of <paramref name="request"/>, with its starting peers.</summary>
    /// <param name="request">The plan's input.</param>
    protected ChunkPlanBase(ChunkPlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Request = request;
        _waiting = [.. Enumerable.Range(0, request.Chunks.Count)];
        foreach (var peer in request.Peers)
        {
            Track(peer);
        }
    }

    /// <summary>The plan's input.</summary>
    protected ChunkPlanRequest Request { get; }

    /// <inheritdoc />
    public bool TryTakeNext(PeerId peer, out PlannedChunk chunk)
    {
        lock (_gate)
        {
            chunk = default;
            if (!_holds.TryGetValue(peer, out var holds) || _inFlight[peer].Count >= PipeDepth(peer))
            {
                return false;
            }

            var candidates = Candidates(holds);
            if (candidates.Count == 0)
            {
                return false;
            }

            var index = Choose(peer, candidates);
            if (!candidates.Contains(index))
            {
                throw new InvalidOperationException($"{GetType().Name}.Choose returned chunk {index}, which is not one of the candidates it was given");
            }

            _waiting.Remove(index);
            _inFlight[peer].Add(index);
            chunk = new PlannedChunk(index, Request.Chunks[index]);
            return true;
        }
    }

    /// <inheritdoc />
    public virtual void ReportCompleted(PeerId peer, int index, long bytes, TimeSpan elapsed)
    {
        lock (_gate)
        {
            _waiting.Remove(index);
            foreach (var requests in _inFlight.Values)
            {
                requests.Remove(index);
            }
        }
    }

    /// <inheritdoc />
    public virtual void ReportFailed(PeerId peer, int index, Exception error)
    {
        lock (_gate)
        {
            // No rounds: the chunk is offered again to whoever asks next.
            if (_inFlight.TryGetValue(peer, out var requests) && requests.Remove(index))
            {
                _waiting.Add(index);
            }
        }
    }

    /// <inheritdoc />
    public virtual void RemovePeer(PeerId peer)
    {
        lock (_gate)
        {
            if (_inFlight.Remove(peer, out var requests))
            {
                _waiting.UnionWith(requests);
            }

            _holds.Remove(peer);
        }
    }

    /// <inheritdoc />
    public virtual void AddPeer(PlannerPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        lock (_gate)
        {
            Track(peer);
        }
    }

    /// <inheritdoc />
    public virtual void PeerGained(PeerId peer, IReadOnlyCollection<int> indexes)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        lock (_gate)
        {
            if (_holds.TryGetValue(peer, out var holds) && holds is not null)
            {
                holds.UnionWith(indexes);
            }
        }
    }

    /// <inheritdoc />
    public virtual void Prioritize(int fromIndex, int count)
    {
        lock (_gate)
        {
            _window = (fromIndex, count);
        }
    }

    /// <summary>
    /// Chooses the chunk <paramref name="peer"/> fetches next, from <paramref name="candidates"/>: the waiting chunks
    /// it holds, in file order, narrowed to the streaming window when the window has any. Must return one of them.
    /// </summary>
    /// <param name="peer">The asking peer.</param>
    /// <param name="candidates">Never empty.</param>
    protected abstract int Choose(PeerId peer, IReadOnlyList<int> candidates);

    /// <summary>How many requests <paramref name="peer"/> may have in flight; the pipeline's setting by default.</summary>
    /// <param name="peer">The peer.</param>
    protected virtual int PipeDepth(PeerId peer) => Request.RequestsPerPeer;

    private void Track(PlannerPeer peer)
    {
        // A peer that comes back starts afresh with what it holds now.
        _holds[peer.PeerId] = peer.Holds is null ? null : [.. peer.Holds];
        _inFlight.TryAdd(peer.PeerId, []);
    }

    private List<int> Candidates(HashSet<int>? holds)
    {
        var (from, count) = _window;
        if (count > 0)
        {
            var inWindow = _waiting.GetViewBetween(from, from + count - 1).Where(i => holds is null || holds.Contains(i)).ToList();
            if (inWindow.Count > 0)
            {
                return inWindow;
            }
        }

        return [.. _waiting.Where(i => holds is null || holds.Contains(i))];
    }
}
