namespace LanSpread.Core.Unpacking;

/// <summary>
/// Optional capability of an <see cref="IUnpacker"/> (a feature interface, as Kestrel's connection
/// features): it recognises its archives by their first bytes. When several unpackers find archives in a
/// game root, one whose signature matches wins over one that only matched a file name, whatever their
/// priorities; an unpacker whose signature does not match the archive it found is passed over (a zip
/// named <c>*.eti</c> is not a RAR archive).
/// </summary>
public interface IArchiveSignature
{
    /// <summary>How many leading bytes <see cref="Claims"/> needs (at most 64).</summary>
    int SignatureLength { get; }

    /// <summary>Whether a file starting with <paramref name="head"/> is an archive this unpacker reads.</summary>
    /// <param name="head">The file's first bytes: <see cref="SignatureLength"/> of them, or fewer for a shorter file.</param>
    bool Claims(ReadOnlySpan<byte> head);
}
