namespace LanSpread.Peer.Library;

/// <summary>A file whose chunks are not in the index (new, or its size or mtime changed): it must be hashed.</summary>
internal readonly record struct HashMiss(int Index, string RelativePath, string Path, long Length, long Mtime);
