namespace LanSpread.Core.Model;

/// <summary>One entry of a game root's file list.</summary>
/// <param name="RelativePath">Path relative to the game root, with '/' separators.</param>
/// <param name="Size">Size in bytes (0 for directories).</param>
/// <param name="IsDirectory">Whether the entry is a directory.</param>
public sealed record GameFileDescription(string RelativePath, long Size, bool IsDirectory);
