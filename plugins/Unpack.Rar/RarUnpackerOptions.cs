namespace LanSpread.Unpack.Rar;

/// <summary>Tuning of the RAR unpacker.</summary>
public sealed class RarUnpackerOptions
{
    /// <summary>File name patterns (at the game root) that hold a game's archive.</summary>
    public IReadOnlyList<string> ArchivePatterns { get; set; } = ["*.eti"];

    /// <summary>Copy buffer size for extraction.</summary>
    public int BufferSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Files the stored-RAR5 fast path writes at a time (<c>rar.writers</c>; 1 = one after another): file
    /// creation waits on the file system, and several writers overlap those waits in many-file archives.
    /// </summary>
    public int Writers { get; set; } = 4;

    /// <summary>Use the stored-RAR5 fast path (plain copy + CRC32 check) where the archive allows it.</summary>
    public bool UseStoredFastPath { get; set; } = true;

    /// <summary>Unpack while the archive downloads (<c>rar.streaming=false</c> installs after the download).</summary>
    public bool Streaming { get; set; } = true;
}
