using System.Text.Json.Serialization;

namespace LanSpread.Peer.Protocol;

/// <summary>
/// What a peer holds of one game (answer to <see cref="RequestType.GetChunkMap"/>, DESIGN F.2): a complete
/// copy, or a partial one with a bitmap of its verified chunks. Chunk i is the i-th chunk of the manifest
/// named by <see cref="Digest"/> in manifest order (files in order, chunks in file order).
/// </summary>
/// <param name="Version">The version held or being downloaded.</param>
/// <param name="Digest">The manifest digest of that version.</param>
/// <param name="Complete">True for a complete copy (then <paramref name="Bitmap"/> is null: every chunk).</param>
/// <param name="Chunks">Chunks in the manifest; a client checks it against its own copy of the manifest.</param>
/// <param name="Bitmap">Base64 of ceil(Chunks / 8) bytes; bit i (least significant first in each byte) is chunk i.</param>
/// <param name="Generation">Moves whenever the holder gains chunks.</param>
public sealed record ChunkMap(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("complete")] bool Complete,
    [property: JsonPropertyName("chunks")] int Chunks,
    [property: JsonPropertyName("bitmap")] string? Bitmap,
    [property: JsonPropertyName("generation")] long Generation);
