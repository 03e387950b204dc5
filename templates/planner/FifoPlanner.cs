using System.Composition;
using LanSpread.Core.Composition;
using LanSpread.Core.Model;
using LanSpread.Core.Planning;

namespace Company.Planner;

/// <summary>Hands out the chunks in file order, a few per peer at a time, so fast peers take more.</summary>
[ExportChunkPlanner("PLUGIN_NAME")]
[Shared]
public sealed class FifoPlanner : IChunkPlanner
{
    public IChunkPlan CreatePlan(ChunkPlanRequest request) => new Plan(request);

    // Stalls, peers joining, partial peers and the streaming window are optional members (ignored here).
    private sealed class Plan(ChunkPlanRequest request) : IChunkPlan
    {
        private readonly SortedSet<int> _waiting = [.. Enumerable.Range(0, request.Chunks.Count)];
        private readonly HashSet<(PeerId Peer, int Index)> _taken = [];

        public bool TryTakeNext(PeerId peer, out PlannedChunk chunk)
        {
            lock (_taken)
            {
                var free = _waiting.Count > 0 && _taken.Count(t => t.Peer == peer) < request.RequestsPerPeer;
                chunk = free ? new PlannedChunk(_waiting.Min, request.Chunks[_waiting.Min]) : default;
                return free && _waiting.Remove(chunk.Index) && _taken.Add((peer, chunk.Index));
            }
        }

        public void ReportCompleted(PeerId peer, int index, long bytes, TimeSpan elapsed) => End(t => t.Index == index, requeue: false);

        // No rounds: a failed chunk, or a leaving peer's, goes straight back for whoever asks next.
        public void ReportFailed(PeerId peer, int index, Exception error) => End(t => t == (peer, index), requeue: true);

        public void RemovePeer(PeerId peer) => End(t => t.Peer == peer, requeue: true);

        private void End(Func<(PeerId Peer, int Index), bool> which, bool requeue)
        {
            lock (_taken)
            {
                foreach (var taken in _taken.Where(which).ToList())
                {
                    _taken.Remove(taken);
                    if (requeue)
                    {
                        _waiting.Add(taken.Index);
                    }
                }
            }
        }
    }
}
