namespace LanSpread.Unpack.Rar.Internal;

/// <summary>A file or directory of a stored (method 0) RAR5 archive and where its bytes lie.</summary>
internal sealed record StoredRar5Entry(string Name, bool IsDirectory, long Size, long DataOffset, uint Crc32);
