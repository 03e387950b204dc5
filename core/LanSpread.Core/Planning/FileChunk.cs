namespace LanSpread.Core.Planning;

/// <summary>A byte range of one file of a game.</summary>
/// <param name="RelativePath">The file's path relative to the game root.</param>
/// <param name="Offset">Start of the range.</param>
/// <param name="Length">Length of the range (0 only for an empty file, fetched whole).</param>
public readonly record struct FileChunk(string RelativePath, long Offset, long Length);
