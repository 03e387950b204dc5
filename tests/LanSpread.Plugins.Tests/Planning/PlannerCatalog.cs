using LanSpread.Core.Composition;
using LanSpread.Core.Model;
using LanSpread.Core.Planning;
using LanSpread.Peer.Composition;
using LanSpread.Peer.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace LanSpread.Plugins.Tests.Planning;

/// <summary>The built planners, loaded from the plugins folder as a host loads them, and plan inputs for their tests.</summary>
public sealed class PlannerCatalog : IDisposable
{
    private readonly PluginCatalog _catalog = PeerHost.LoadPlugins([], NullLoggerFactory.Instance);

    public IChunkPlanner this[string name] => _catalog.Select<IChunkPlanner>(PluginKind.Planner, name);

    public static PlannerPeer APeer(byte id, IReadOnlyCollection<int>? holds = null) => new(PeerId.FromCertificate([id]), $"p{id}", holds);

    public static IReadOnlyList<FileChunk> Chunks(int count, long length = 1 << 20) =>
        Enumerable.Range(0, count).Select(i => new FileChunk("data.bin", i * length, length)).ToList();

    /// <summary>Takes chunks for a peer until the plan says no (at most <paramref name="limit"/>).</summary>
    public static List<PlannedChunk> Drain(IChunkPlan plan, PlannerPeer peer, int limit = 1000)
    {
        var taken = new List<PlannedChunk>();
        while (taken.Count < limit && plan.TryTakeNext(peer.PeerId, out var chunk))
        {
            taken.Add(chunk);
        }

        return taken;
    }

    public void Dispose() => _catalog.Dispose();
}
