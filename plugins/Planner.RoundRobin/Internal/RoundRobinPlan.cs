using LanSpread.Core.Model;
using LanSpread.Core.Planning;

namespace LanSpread.Planner.RoundRobin.Internal;

/// <summary>Chunk i goes to peer i mod n; each peer's worker drains its own queue.</summary>
internal sealed class RoundRobinPlan : IChunkPlan
{
    private readonly Dictionary<PeerId, Queue<FileChunk>> _queues = [];
    private readonly Lock _gate = new();

    public RoundRobinPlan(ChunkPlanRequest request)
    {
        if (request.Peers.Count == 0)
        {
            throw new ArgumentException("a plan needs at least one peer", nameof(request));
        }

        foreach (var peer in request.Peers)
        {
            _queues[peer.PeerId] = new Queue<FileChunk>();
        }

        for (var i = 0; i < request.Chunks.Count; i++)
        {
            _queues[request.Peers[i % request.Peers.Count].PeerId].Enqueue(request.Chunks[i]);
        }
    }

    public bool TryTakeNext(PeerId peer, out FileChunk chunk)
    {
        lock (_gate)
        {
            if (_queues.TryGetValue(peer, out var queue) && queue.TryDequeue(out chunk))
            {
                return true;
            }

            chunk = default;
            return false;
        }
    }

    public void ReportCompleted(PeerId peer, FileChunk chunk, TimeSpan elapsed)
    {
        // Round-robin ignores feedback by design (DESIGN A.9).
    }

    public void ReportFailed(PeerId peer, FileChunk chunk, Exception error)
    {
        // The pipeline collects failed chunks for its retry rounds.
    }

    public IReadOnlyList<FileChunk> RemovePeer(PeerId peer)
    {
        lock (_gate)
        {
            if (!_queues.Remove(peer, out var queue))
            {
                return [];
            }

            return [.. queue];
        }
    }
}
