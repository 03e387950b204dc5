using LanSpread.Core.Model;
using LanSpread.Core.Planning;

namespace LanSpread.Planner.RoundRobin.Internal;

/// <summary>
/// Chunk i goes to peer i mod n (among the peers holding it); each peer drains its own queue with a fixed number of
/// requests in flight. Chunks that failed, stalled or lost their peer go to a shared pool any other holder takes from.
/// </summary>
internal sealed class RoundRobinPlan : IChunkPlan
{
    private readonly IReadOnlyList<FileChunk> _chunks;
    private readonly int _perPeer;
    private readonly Dictionary<PeerId, PeerQueue> _peers = [];
    private readonly LinkedList<int> _pool = new();
    private readonly bool[] _done;
    private readonly Lock _gate = new();

    public RoundRobinPlan(ChunkPlanRequest request)
    {
        if (request.Peers.Count == 0)
        {
            throw new ArgumentException("a plan needs at least one peer", nameof(request));
        }

        _chunks = request.Chunks;
        _perPeer = Math.Max(1, request.RequestsPerPeer);
        _done = new bool[_chunks.Count];
        foreach (var peer in request.Peers)
        {
            _peers[peer.PeerId] = new PeerQueue(peer.Holds is null ? null : [.. peer.Holds]);
        }

        var order = request.Peers.Select(p => _peers[p.PeerId]).ToList();
        for (var i = 0; i < _chunks.Count; i++)
        {
            var holder = Enumerable.Range(0, order.Count).Select(k => order[(i + k) % order.Count]).FirstOrDefault(q => q.Has(i));
            if (holder is null)
            {
                _pool.AddLast(i); // nobody holds it yet: whoever gains it takes it
            }
            else
            {
                holder.Queue.Enqueue(i);
            }
        }
    }

    public bool TryTakeNext(PeerId peer, out PlannedChunk chunk)
    {
        lock (_gate)
        {
            chunk = default;
            if (!_peers.TryGetValue(peer, out var own) || own.InFlight.Count >= _perPeer)
            {
                return false;
            }

            while (own.Queue.TryDequeue(out var index))
            {
                if (!_done[index])
                {
                    return Take(own, index, out chunk);
                }
            }

            for (var node = _pool.First; node is not null;)
            {
                var next = node.Next;
                var index = node.Value;
                if (_done[index])
                {
                    _pool.Remove(node);
                }
                else if (own.Has(index) && !own.InFlight.Contains(index))
                {
                    _pool.Remove(node);
                    return Take(own, index, out chunk);
                }

                node = next;
            }

            return false;
        }
    }

    private bool Take(PeerQueue own, int index, out PlannedChunk chunk)
    {
        var duplicate = _peers.Values.Any(q => q.InFlight.Contains(index));
        own.InFlight.Add(index);
        chunk = new PlannedChunk(index, _chunks[index], duplicate);
        return true;
    }

    public void ReportCompleted(PeerId peer, int index, long bytes, TimeSpan elapsed)
    {
        // Round-robin ignores rates by design (DESIGN A.9); it only keeps count of what is in flight.
        lock (_gate)
        {
            _done[index] = true;
            foreach (var queue in _peers.Values)
            {
                queue.InFlight.Remove(index);
            }
        }
    }

    public void ReportFailed(PeerId peer, int index, Exception error)
    {
        lock (_gate)
        {
            if (_peers.TryGetValue(peer, out var own) && own.InFlight.Remove(index))
            {
                Requeue(index);
            }
        }
    }

    public void ReportStalled(PeerId peer, int index, long bytesSoFar, TimeSpan elapsed)
    {
        lock (_gate)
        {
            Requeue(index); // the stalled copy keeps running; another peer may take a second one
        }
    }

    public void AddPeer(PlannerPeer peer)
    {
        lock (_gate)
        {
            // A late peer gets no share of the deal, only what the others give back.
            _peers.TryAdd(peer.PeerId, new PeerQueue(peer.Holds is null ? null : [.. peer.Holds]));
        }
    }

    public void PeerGained(PeerId peer, IReadOnlyCollection<int> indexes)
    {
        lock (_gate)
        {
            if (_peers.TryGetValue(peer, out var own) && own.Holds is not null)
            {
                own.Holds.UnionWith(indexes);
            }
        }
    }

    public void RemovePeer(PeerId peer)
    {
        lock (_gate)
        {
            if (!_peers.Remove(peer, out var own))
            {
                return;
            }

            foreach (var index in own.InFlight.Concat(own.Queue))
            {
                Requeue(index);
            }
        }
    }

    public void Prioritize(int fromIndex, int count)
    {
        // Round-robin keeps its deal (DESIGN A.9).
    }

    private void Requeue(int index)
    {
        if (!_done[index] && !_pool.Contains(index))
        {
            _pool.AddLast(index);
        }
    }
}
