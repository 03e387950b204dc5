namespace LanSpread.Core.Planning;

/// <summary>Input of a plan.</summary>
/// <param name="Chunks">
/// Every chunk to fetch, in file order. A chunk's identity in the whole contract is its index in this list
/// (availability, feedback, <see cref="IChunkPlan.Prioritize"/>).
/// </param>
/// <param name="Peers">The peers known to serve the version being fetched when the download starts; more may join (<see cref="IChunkPlan.AddPeer"/>).</param>
/// <param name="RequestsPerPeer">
/// The pipeline's configured requests in flight per peer: what a planner that does not measure rates keeps in
/// flight, and where one that does may start before it has measured anything.
/// </param>
public sealed record ChunkPlanRequest(IReadOnlyList<FileChunk> Chunks, IReadOnlyList<PlannerPeer> Peers, int RequestsPerPeer = 4);
