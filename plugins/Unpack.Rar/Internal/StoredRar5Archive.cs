using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace LanSpread.Unpack.Rar.Internal;

/// <summary>
/// RAR5 header scanner and the fast path for the common game-archive case: a single-volume, non-solid,
/// unencrypted RAR5 whose files are all stored (method 0) with a CRC32. Such a file is a plain byte
/// range of the archive, so extraction is a positioned copy plus a CRC32 check (System.IO.Hashing,
/// vectorised) instead of SharpCompress's stream stack. Directory entries (no data, no CRC32, as WinRAR
/// writes them), symbolic links (redirection records) and every header field or extra record that does
/// not change the bytes (times, attributes, host OS, Unix owner, version) are understood; headers are
/// parsed per RARLAB's RAR 5.0 technote and each header's CRC32 is verified. Anything this scanner does
/// not fully understand makes the archive ineligible and it goes the general (SharpCompress) way, so no
/// check is lost.
/// </summary>
internal sealed class StoredRar5Archive : IDisposable
{
    private const int MaxHeaderSize = 2 * 1024 * 1024; // the technote's limit
    private static readonly byte[] Signature = [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00];

    private readonly SafeFileHandle _source;

    private StoredRar5Archive(SafeFileHandle source, List<StoredRar5Entry> entries)
    {
        _source = source;
        Entries = entries;
    }

    public IReadOnlyList<StoredRar5Entry> Entries { get; }

    /// <summary>Opens <paramref name="path"/> for the fast path, or returns false if it is not eligible.</summary>
    public static bool TryOpen(string path, out StoredRar5Archive archive)
    {
        archive = null!;
        // One handle for the scan and every entry's copy: no open/fstat per entry.
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        try
        {
            var scan = Scan(handle);
            if (scan is not { Eligible: true })
            {
                handle.Dispose();
                return false;
            }

            archive = new StoredRar5Archive(handle, scan.Value.Entries);
            return true;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Lists a RAR5 archive's entries as far as its headers can be read (compressed, solid or volume
    /// archives too), or null if it is not RAR5 or its headers are encrypted or damaged. The general path
    /// uses it for what SharpCompress does not expose (RAR5 redirection records).
    /// </summary>
    public static IReadOnlyList<StoredRar5Entry>? ReadEntries(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Scan(handle)?.Entries;
    }

    public void Dispose() => _source.Dispose();

    public void CopyEntryTo(StoredRar5Entry entry, string destination, byte[] buffer, Action<int> progress, CancellationToken cancellationToken)
    {
        using var target = File.OpenHandle(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, preallocationSize: entry.Size);
        var crc = new Crc32();
        long done = 0, queued = 0;
        while (done < entry.Size)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var want = (int)Math.Min(buffer.Length, entry.Size - done);
            var read = RandomAccess.Read(_source, buffer.AsSpan(0, want), entry.DataOffset + done);
            if (read <= 0)
            {
                throw new InvalidDataException($"entry '{entry.Name}' is truncated ({done} of {entry.Size} bytes)");
            }

            crc.Append(buffer.AsSpan(0, read));
            RandomAccess.Write(target, buffer.AsSpan(0, read), done);
            done += read;
            if (done - queued >= Writeback.Batch)
            {
                Writeback.Start(target, queued, done - queued);
                queued = done;
            }

            progress(read);
        }

        Writeback.Start(target, queued, done - queued);

        if (crc.GetCurrentHashAsUInt32() != entry.Crc32)
        {
            throw new InvalidDataException($"entry '{entry.Name}' failed its CRC32 check (the archive is corrupt)");
        }
    }

    private static (List<StoredRar5Entry> Entries, bool Eligible)? Scan(SafeFileHandle handle)
    {
        var length = RandomAccess.GetLength(handle);
        var window = new Rar5HeaderWindow(handle, length);
        if (!HasSignature(window, length))
        {
            return null;
        }

        var entries = new List<StoredRar5Entry>();
        var eligible = true;
        long position = 8;
        var sawEnd = false;
        while (position < length && !sawEnd)
        {
            if (ReadBlock(window, position, length) is not { } block)
            {
                return null;
            }

            eligible &= !block.Split && !block.VolumeOrSolid;
            switch (block.Type)
            {
                case 1: // main archive header
                case 3: // service header (comment, quick open, …): data skipped
                    break;
                case 2: // file header
                    eligible &= block.Stored;
                    entries.Add(block.Entry!);
                    break;
                case 5:
                    sawEnd = true;
                    break;
                default:
                    return null; // 4 = encrypted headers, or an unknown type: nothing more can be read
            }

            position = block.Next;
        }

        return sawEnd ? (entries, eligible) : null;
    }

    /// <summary>Whether the window starts with the RAR5 signature (the first block is at offset 8).</summary>
    internal static bool HasSignature(Rar5HeaderWindow window, long length) =>
        length >= 8 && window.TryGet(0, 8, out var signature) && signature.SequenceEqual(Signature);

    /// <summary>
    /// The block whose header starts at <paramref name="position"/>, its header CRC32 verified; null when it
    /// cannot be read (truncated, damaged, or beyond what this scanner knows how to skip).
    /// </summary>
    internal static Rar5Block? ReadBlock(Rar5HeaderWindow window, long position, long length)
    {
        // CRC32 (4) + header size (vint, ≤ 3 bytes for the 2 MiB limit of the technote).
        if (!window.TryGet(position, (int)Math.Min(7, length - position), out var prefix) || prefix.Length < 5)
        {
            return null;
        }

        var crc = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        var sizeReader = new VintReader(prefix[4..]);
        if (!sizeReader.TryRead(out var headerSize) || headerSize == 0 || headerSize > MaxHeaderSize)
        {
            return null;
        }

        var sizeLength = sizeReader.Position;
        var total = sizeLength + (int)headerSize;
        if (position + 4 + total > length || !window.TryGet(position + 4, total, out var header))
        {
            return null;
        }

        if (Crc32.HashToUInt32(header) != crc)
        {
            return null; // let the general path report the corruption
        }

        var block = new VintReader(header[sizeLength..]);
        if (!block.TryRead(out var type) || !block.TryRead(out var flags))
        {
            return null;
        }

        ulong extraSize = 0, dataSize = 0;
        if (((flags & 0x1) != 0 && !block.TryRead(out extraSize)) || ((flags & 0x2) != 0 && !block.TryRead(out dataSize)))
        {
            return null;
        }

        if (extraSize > headerSize || dataSize > (ulong)length)
        {
            return null;
        }

        var split = (flags & (0x8 | 0x10)) != 0; // split across volumes
        var dataOffset = position + 4 + total;
        var volumeOrSolid = false;
        StoredRar5Entry? entry = null;
        var stored = false;
        switch (type)
        {
            case 1: // main archive header
                if (!block.TryRead(out var archiveFlags))
                {
                    return null;
                }

                volumeOrSolid = (archiveFlags & (0x1 | 0x4)) != 0;
                break;
            case 2: // file header
                if (!TryReadFile(block, (int)extraSize, dataOffset, dataSize, out entry, out stored))
                {
                    return null;
                }

                break;
        }

        return new Rar5Block(type, split, volumeOrSolid, entry, stored, dataOffset + (long)dataSize);
    }

    private static bool TryReadFile(VintReader block, int extraSize, long dataOffset, ulong dataSize, out StoredRar5Entry entry, out bool stored)
    {
        entry = null!;
        stored = false;
        var fieldsEnd = block.Length - extraSize;
        if (!block.TryRead(out var fileFlags) || !block.TryRead(out var unpackedSize) || !block.TryRead(out _))
        {
            return false;
        }

        // Modification time (0x2, uint32): does not change the bytes, skipped like the attributes above.
        if ((fileFlags & 0x2) != 0 && !block.TrySkip(4))
        {
            return false;
        }

        uint crc = 0;
        var hasCrc = (fileFlags & 0x4) != 0;
        if (hasCrc && !block.TryReadUInt32(out crc))
        {
            return false;
        }

        // Compression info, host OS (skipped: it only changes how attributes are read), name.
        if (!block.TryRead(out var compression) || !block.TryRead(out _) || !block.TryRead(out var nameLength)
            || nameLength > int.MaxValue || !block.TryReadBytes((int)nameLength, out var nameBytes) || block.Position > fieldsEnd)
        {
            return false;
        }

        var name = Encoding.UTF8.GetString(nameBytes);
        var kind = (fileFlags & 0x1) != 0 ? Rar5EntryKind.Directory : Rar5EntryKind.File;
        string? linkTarget = null;
        var redirection = 0;
        var recordsAllowFastPath = true;

        // The extra area is the header's last extraSize bytes; a record is Size (vint, counting from
        // Type on), Type (vint), data.
        var extra = block.Slice(fieldsEnd);
        while (!extra.IsEmpty)
        {
            var record = new VintReader(extra);
            if (!record.TryRead(out var size) || size == 0 || size > (ulong)(extra.Length - record.Position))
            {
                return false;
            }

            var consumed = record.Position + (int)size;
            var body = new VintReader(extra[record.Position..consumed]);
            if (!body.TryRead(out var recordType))
            {
                return false;
            }

            switch (recordType)
            {
                case 1: // file encryption
                case 2: // BLAKE2 hash instead of (or beside) CRC32: SharpCompress checks it
                    recordsAllowFastPath = false;
                    break;
                case 5: // redirection: type, flags, target name
                    if (!body.TryRead(out var redirType) || !body.TryRead(out _) || !body.TryRead(out var targetLength)
                        || targetLength > int.MaxValue || !body.TryReadBytes((int)targetLength, out var targetBytes))
                    {
                        return false;
                    }

                    redirection = (int)Math.Min(redirType, int.MaxValue);
                    linkTarget = Encoding.UTF8.GetString(targetBytes);
                    kind = redirection is 1 or 2 or 3 ? Rar5EntryKind.SymbolicLink : Rar5EntryKind.Unsupported;
                    break;
                default: // 3 times, 4 version, 6 Unix owner, 7 service data, or newer: no effect on the bytes
                    break;
            }

            extra = extra[consumed..];
        }

        var method = (compression >> 7) & 0x7;
        stored = recordsAllowFastPath && (fileFlags & 0x8) == 0 && kind switch
        {
            Rar5EntryKind.File => hasCrc && method == 0 && (compression & 0x40) == 0 && dataSize == unpackedSize,
            Rar5EntryKind.Directory => dataSize == 0,
            _ => true, // links and refusals are decided from the header alone; their data is never read
        };
        entry = new StoredRar5Entry(name, kind, kind == Rar5EntryKind.File ? (long)Math.Min(unpackedSize, long.MaxValue) : 0, dataOffset, crc, linkTarget, redirection);
        return true;
    }
}
