namespace LanSpread.Core.Planning;

/// <summary>A chunk a plan hands to a peer.</summary>
/// <param name="Index">Its index in <see cref="ChunkPlanRequest.Chunks"/>: its identity in every report back.</param>
/// <param name="Chunk">The byte range.</param>
/// <param name="Duplicate">True when another peer is already fetching this chunk (end-game, or a stalled copy): the first to finish wins.</param>
public readonly record struct PlannedChunk(int Index, FileChunk Chunk, bool Duplicate = false);
