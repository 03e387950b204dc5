using System.Collections.Concurrent;
using LanSpread.Core.Model;
using LanSpread.Core.Planning;
using LanSpread.Peer.Peers;

namespace LanSpread.Peer.Swarm;

/// <summary>
/// The hook between swarming and the download's scheduler: runs a <see cref="SwarmTracker"/> for the
/// download and turns what it learns (manifest chunk indexes) into changes in the download's own chunk
/// indexes, queued for the scheduler to apply on its own thread (<see cref="TryTake"/>: plan.AddPeer with
/// the peer's holdings, plan.PeerGained). Chunks this download does not fetch (already here) are dropped.
/// </summary>
internal sealed class SwarmFeed : IAsyncDisposable
{
    private readonly ConcurrentQueue<SwarmChange> _changes = new();
    private readonly Dictionary<int, int> _toRequest = [];
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;

    /// <param name="newTracker">Makes the download's tracker from its two callbacks (joined, gained).</param>
    /// <param name="manifest">The download's manifest.</param>
    /// <param name="chunks">The chunks the download fetches (the plan's chunk list).</param>
    /// <param name="cancellationToken">Stops the feed with the download.</param>
    public SwarmFeed(Func<Action<PeerClient, PeerAvailability>, Action<PeerId, IReadOnlyCollection<int>>, SwarmTracker> newTracker, GameManifest manifest, IReadOnlyList<FileChunk> chunks, CancellationToken cancellationToken)
    {
        var requested = new Dictionary<(string, long), int>();
        for (var i = 0; i < chunks.Count; i++)
        {
            requested[(chunks[i].RelativePath, chunks[i].Offset)] = i;
        }

        var index = 0;
        foreach (var file in manifest.Files)
        {
            foreach (var chunk in file.Chunks)
            {
                if (requested.TryGetValue((file.RelativePath, chunk.Offset), out var r))
                {
                    _toRequest[index] = r;
                }

                index++;
            }
        }

        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tracker = newTracker(
            (client, held) => _changes.Enqueue(new SwarmChange(client.Id, client, held.Complete ? null : Map(Enumerable.Range(0, held.Held.Count).Where(held.Has)))),
            (peer, gained) => _changes.Enqueue(new SwarmChange(peer, null, Map(gained))));
        _run = tracker.RunAsync(_stop.Token);
    }

    /// <summary>The next change to apply, if any (called from the scheduler's loop).</summary>
    public bool TryTake(out SwarmChange change) => _changes.TryDequeue(out change!);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }

    private List<int> Map(IEnumerable<int> manifestIndexes) =>
        manifestIndexes.Select(i => _toRequest.GetValueOrDefault(i, -1)).Where(i => i >= 0).ToList();
}
