namespace LanSpread.Unpack.Rar.Internal;

/// <summary>
/// An entry of a RAR5 archive as the header scanner sees it: its kind, size, where its bytes lie, its
/// CRC32 (files only), and for links the redirection type and target.
/// </summary>
internal sealed record StoredRar5Entry(string Name, Rar5EntryKind Kind, long Size, long DataOffset, uint Crc32, string? LinkTarget = null, int RedirectionType = 0)
{
    public bool IsDirectory => Kind == Rar5EntryKind.Directory;
}
