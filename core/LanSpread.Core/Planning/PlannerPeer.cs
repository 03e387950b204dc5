using LanSpread.Core.Model;

namespace LanSpread.Core.Planning;

/// <summary>A peer a plan can use, with what it holds.</summary>
/// <param name="PeerId">Its id.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Holds">
/// The indexes (into <see cref="ChunkPlanRequest.Chunks"/>) of the chunks it holds, or <see langword="null"/> when it
/// holds them all (a complete seeder). A partial peer gains more through <see cref="IChunkPlan.PeerGained"/>.
/// </param>
public sealed record PlannerPeer(PeerId PeerId, string Name, IReadOnlyCollection<int>? Holds = null)
{
    /// <summary>Whether the peer holds every chunk.</summary>
    public bool IsComplete => Holds is null;
}
