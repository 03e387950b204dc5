namespace LanSpread.Core.Model;

/// <summary>One content-defined chunk of a file in a <see cref="GameManifest"/>.</summary>
/// <param name="Offset">Start of the chunk in its file.</param>
/// <param name="Length">Length in bytes (positive).</param>
/// <param name="Sha256">SHA-256 of the chunk's bytes, 64 lower-case hex digits.</param>
public sealed record ManifestChunk(long Offset, long Length, string Sha256);
