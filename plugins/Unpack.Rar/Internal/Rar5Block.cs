namespace LanSpread.Unpack.Rar.Internal;

/// <summary>One RAR5 block as the header scanner read it.</summary>
/// <param name="Type">1 main, 2 file, 3 service, 4 encryption, 5 end of archive.</param>
/// <param name="Split">Its data continues in another volume.</param>
/// <param name="VolumeOrSolid">A main header saying the archive is a volume or solid.</param>
/// <param name="Entry">A file header's entry.</param>
/// <param name="Stored">A file header the fast path can copy (stored, with a CRC32, nothing it does not understand).</param>
/// <param name="Next">Where the next block's header starts.</param>
internal readonly record struct Rar5Block(ulong Type, bool Split, bool VolumeOrSolid, StoredRar5Entry? Entry, bool Stored, long Next)
{
    /// <summary>Where this block's data starts (a file entry's bytes).</summary>
    public long DataOffset => Entry?.DataOffset ?? Next;
}
