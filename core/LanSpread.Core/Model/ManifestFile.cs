namespace LanSpread.Core.Model;

/// <summary>One regular file of a <see cref="GameManifest"/>: its size and its chunks, in order, covering it exactly.</summary>
/// <param name="RelativePath">Path relative to the game root, with '/' separators.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Chunks">The chunks, contiguous from offset 0 to <paramref name="Size"/> (none for an empty file).</param>
public sealed record ManifestFile(string RelativePath, long Size, IReadOnlyList<ManifestChunk> Chunks);
