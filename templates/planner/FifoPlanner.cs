using System.Collections.Concurrent;
using System.Composition;
using LanSpread.Core.Composition;
using LanSpread.Core.Model;
using LanSpread.Core.Planning;

namespace Company.Planner;

/// <summary>Hands the chunks out in file order to whichever peer asks first: fast peers take more.</summary>
[ExportChunkPlanner("PLUGIN_NAME")]
[Shared]
public sealed class FifoPlanner : IChunkPlanner
{
    public IChunkPlan CreatePlan(ChunkPlanRequest request) => new Plan(request.Chunks);

    private sealed class Plan(IReadOnlyList<FileChunk> chunks) : IChunkPlan
    {
        private readonly ConcurrentQueue<FileChunk> _queue = new(chunks);

        public bool TryTakeNext(PeerId peer, out FileChunk chunk) => _queue.TryDequeue(out chunk);

        public void ReportCompleted(PeerId peer, FileChunk chunk, TimeSpan elapsed) { }

        // The pipeline retries failed chunks itself, so a plan need not re-queue them.
        public void ReportFailed(PeerId peer, FileChunk chunk, Exception error) { }

        public IReadOnlyList<FileChunk> RemovePeer(PeerId peer) => [];
    }
}
