namespace LanSpread.Unpack.Rar.Internal;

/// <summary>What a RAR5 file header describes, from its flags and its redirection record.</summary>
internal enum Rar5EntryKind
{
    /// <summary>A regular file whose bytes are the entry's data.</summary>
    File,

    /// <summary>A directory (no data, no CRC32).</summary>
    Directory,

    /// <summary>A Unix or Windows symbolic link, or a junction: created as a symlink if its target stays inside.</summary>
    SymbolicLink,

    /// <summary>A hard link or a file copy (redirection types 4 and 5): refused with a clear reason.</summary>
    Unsupported,
}
