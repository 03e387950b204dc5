using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace LanSpread.Unpack.Rar.Internal;

/// <summary>
/// The fast path for the common game-archive case: a single-volume, non-solid, unencrypted RAR5 whose
/// entries are all stored (method 0) with a CRC32. Such an entry is a plain byte range of the archive,
/// so extraction is a positioned copy plus a CRC32 check (System.IO.Hashing, vectorised) instead of
/// SharpCompress's stream stack. Headers are parsed per RARLAB's RAR 5.0 technote and each header's
/// CRC32 is verified; anything this parser does not fully understand returns false and the archive
/// goes the general (SharpCompress) way, so no check is lost.
/// </summary>
internal sealed class StoredRar5Archive
{
    private static readonly byte[] Signature = [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00];

    private readonly string _path;

    private StoredRar5Archive(string path, List<StoredRar5Entry> entries)
    {
        _path = path;
        Entries = entries;
    }

    public IReadOnlyList<StoredRar5Entry> Entries { get; }

    public static bool TryOpen(string path, out StoredRar5Archive archive)
    {
        archive = null!;
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = RandomAccess.GetLength(handle);
        Span<byte> signature = stackalloc byte[8];
        if (length < 8 || RandomAccess.Read(handle, signature, 0) != 8 || !signature.SequenceEqual(Signature))
        {
            return false;
        }

        var entries = new List<StoredRar5Entry>();
        long position = 8;
        var header = new byte[64 * 1024];
        var sawEnd = false;
        Span<byte> prefix = stackalloc byte[7];
        while (position < length && !sawEnd)
        {
            // CRC32 (4) + header size (vint, ≤ 3 bytes for the 2 MiB limit of the technote).
            var got = RandomAccess.Read(handle, prefix, position);
            if (got < 5)
            {
                return false;
            }

            var crc = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
            var reader = new VintReader(prefix[4..got]);
            if (!reader.TryRead(out var headerSize) || headerSize == 0 || headerSize > (ulong)header.Length)
            {
                return false;
            }

            var sizeLength = reader.Position;
            var total = sizeLength + (int)headerSize;
            if (position + 4 + total > length || RandomAccess.Read(handle, header.AsSpan(0, total), position + 4) != total)
            {
                return false;
            }

            if (Crc32.HashToUInt32(header.AsSpan(0, total)) != crc)
            {
                return false; // let the general path report the corruption
            }

            var block = new VintReader(header.AsSpan(sizeLength, (int)headerSize));
            if (!block.TryRead(out var type) || !block.TryRead(out var flags))
            {
                return false;
            }

            ulong extraSize = 0, dataSize = 0;
            if ((flags & 0x1) != 0 && !block.TryRead(out extraSize))
            {
                return false;
            }

            if ((flags & 0x2) != 0 && !block.TryRead(out dataSize))
            {
                return false;
            }

            if ((flags & (0x8 | 0x10)) != 0)
            {
                return false; // split across volumes
            }

            var dataOffset = position + 4 + total;
            switch (type)
            {
                case 1: // main archive header
                    if (!block.TryRead(out var archiveFlags) || (archiveFlags & (0x1 | 0x4)) != 0)
                    {
                        return false; // volume or solid
                    }

                    break;
                case 2: // file header
                    if (!TryReadFile(ref block, dataOffset, dataSize, out var entry))
                    {
                        return false;
                    }

                    entries.Add(entry);
                    break;
                case 3: // service header (comment, quick open, …): data skipped
                    break;
                case 5:
                    sawEnd = true;
                    break;
                default:
                    return false; // 4 = encryption header, or unknown
            }

            position = dataOffset + (long)dataSize;
        }

        if (!sawEnd || entries.Count == 0)
        {
            return false;
        }

        archive = new StoredRar5Archive(path, entries);
        return true;
    }

    public void CopyEntryTo(StoredRar5Entry entry, string destination, int bufferSize, Action<int> progress, CancellationToken cancellationToken)
    {
        using var source = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        using var target = File.OpenHandle(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, preallocationSize: entry.Size);
        var crc = new Crc32();
        var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        try
        {
            long done = 0;
            while (done < entry.Size)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var want = (int)Math.Min(buffer.Length, entry.Size - done);
                var read = RandomAccess.Read(source, buffer.AsSpan(0, want), entry.DataOffset + done);
                if (read <= 0)
                {
                    throw new InvalidDataException($"entry '{entry.Name}' is truncated ({done} of {entry.Size} bytes)");
                }

                crc.Append(buffer.AsSpan(0, read));
                RandomAccess.Write(target, buffer.AsSpan(0, read), done);
                done += read;
                progress(read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (crc.GetCurrentHashAsUInt32() != entry.Crc32)
        {
            throw new InvalidDataException($"entry '{entry.Name}' failed its CRC32 check (the archive is corrupt)");
        }
    }

    private static bool TryReadFile(ref VintReader block, long dataOffset, ulong dataSize, out StoredRar5Entry entry)
    {
        entry = null!;
        if (!block.TryRead(out var fileFlags) || !block.TryRead(out var unpackedSize) || !block.TryRead(out _))
        {
            return false;
        }

        if ((fileFlags & 0x2) != 0 && !block.TrySkip(4))
        {
            return false;
        }

        if ((fileFlags & 0x4) == 0 || (fileFlags & 0x8) != 0 || !block.TryReadUInt32(out var crc))
        {
            return false; // no CRC32 (BLAKE2 instead) or unknown size: general path
        }

        if (!block.TryRead(out var compression) || !block.TryRead(out _) || !block.TryRead(out var nameLength))
        {
            return false;
        }

        var method = (compression >> 7) & 0x7;
        if (method != 0 || (compression & 0x40) != 0 || !block.TryReadBytes((int)nameLength, out var nameBytes))
        {
            return false;
        }

        // The extra area (after the name) may hold encryption (1) or redirection (5) records.
        var extra = block.Remaining;
        while (!extra.IsEmpty)
        {
            // A record is Size (vint, counting from Type on), Type (vint), data.
            var record = new VintReader(extra);
            if (!record.TryRead(out var size) || size == 0 || size > (ulong)(extra.Length - record.Position))
            {
                return false;
            }

            var consumed = record.Position + (int)size;
            if (!record.TryRead(out var recordType) || recordType is 1 or 2 or 5)
            {
                return false; // encrypted, BLAKE2 hash, or a link: general path
            }

            extra = extra[consumed..];
        }

        var isDirectory = (fileFlags & 0x1) != 0;
        if (!isDirectory && dataSize != unpackedSize)
        {
            return false;
        }

        entry = new StoredRar5Entry(Encoding.UTF8.GetString(nameBytes), isDirectory, (long)unpackedSize, dataOffset, crc);
        return true;
    }
}
