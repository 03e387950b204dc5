namespace LanSpread.Core.Planning;

/// <summary>Input of a plan.</summary>
/// <param name="Chunks">Every chunk to fetch, in file order.</param>
/// <param name="Peers">The peers that advertise the version being fetched.</param>
public sealed record ChunkPlanRequest(IReadOnlyList<FileChunk> Chunks, IReadOnlyList<PlannerPeer> Peers);
