using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace LanSpread.Hosting.Archives;

/// <summary>
/// Writes stored (method 0) RAR5 archives per RARLAB's RAR 5.0 technote: signature, main header, one
/// file header per entry (vint fields, CRC32 of the data, header CRC32), the data, an end-of-archive
/// header. Streams each file (its CRC is patched in after the data), so archives of any size can be
/// made; names are written as given, so tests can make hostile archives too. bsdtar reads its output.
/// With <c>winRarFields</c> every header also carries what WinRAR/rar write (a modification time in the
/// file header, a high-precision time record and a Unix owner record in the extra area), so readers
/// are exercised on real archive layouts, not only on the minimal one.
/// </summary>
public sealed class StoredRar5Writer : IDisposable
{
    private static readonly byte[] Signature = [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00];
    private static readonly DateTimeOffset FixedTime = new(2024, 5, 17, 12, 0, 0, TimeSpan.Zero);
    private readonly FileStream _output;
    private readonly bool _winRarFields;

    /// <summary>Creates (or truncates) the archive at <paramref name="path"/>.</summary>
    /// <param name="path">Where the archive is written.</param>
    /// <param name="winRarFields">Also write the optional header fields and extra records WinRAR writes.</param>
    public StoredRar5Writer(string path, bool winRarFields = false)
    {
        _winRarFields = winRarFields;
        _output = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        _output.Write(Signature);
        // Main archive header: type 1, no header flags, archive flags 0.
        WriteHeader([1, 0, 0]);
    }

    /// <summary>Adds a directory entry (no data, no CRC32, as WinRAR writes them).</summary>
    public void AddDirectory(string name) => AddEntry(name, null, 0, isDirectory: true, link: null);

    /// <summary>Adds a file whose <paramref name="length"/> bytes are read from <paramref name="content"/>.</summary>
    public void AddFile(string name, Stream content, long length) => AddEntry(name, content, length, isDirectory: false, link: null);

    /// <summary>Adds a file with the given bytes.</summary>
    public void AddFile(string name, byte[] content) => AddFile(name, new MemoryStream(content), content.Length);

    /// <summary>
    /// Adds a link entry: a file header with a redirection extra record (type 1 Unix symlink, 2 Windows
    /// symlink, 3 junction, 4 hard link, 5 file copy) and no data.
    /// </summary>
    public void AddLink(string name, string target, int redirectionType = 1) => AddEntry(name, null, 0, isDirectory: false, link: (redirectionType, target));

    /// <summary>Writes the end-of-archive header and closes the file.</summary>
    public void Dispose()
    {
        // End of archive: type 5, no header flags, end flags 0.
        WriteHeader([5, 0, 0]);
        _output.Dispose();
    }

    private void AddEntry(string name, Stream? content, long length, bool isDirectory, (int Type, string Target)? link)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var extra = BuildExtra(link);
        var hasData = !isDirectory && link is null;
        var header = new List<byte>();
        AppendVint(header, 2); // file header
        // Header flags: data area present (libarchive insists on it for directories too, size 0),
        // extra area present when there are records.
        AppendVint(header, 0x2UL | (extra.Count > 0 ? 0x1UL : 0));
        if (extra.Count > 0)
        {
            AppendVint(header, (ulong)extra.Count);
        }

        AppendVint(header, (ulong)length); // data size

        // File flags: directory | modification time | CRC32 present.
        var fileFlags = (isDirectory ? 0x1UL : 0) | (_winRarFields ? 0x2UL : 0) | (hasData ? 0x4UL : 0);
        AppendVint(header, fileFlags);
        AppendVint(header, (ulong)length); // unpacked size
        AppendVint(header, isDirectory ? 0x41EDUL : link is not null ? 0xA1FFUL : 0x81A4UL); // unix mode 040755 / 0120777 / 0100644
        if (_winRarFields)
        {
            Span<byte> time = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(time, (uint)FixedTime.ToUnixTimeSeconds());
            header.AddRange(time.ToArray());
        }

        var crcOffset = -1;
        if (hasData)
        {
            crcOffset = header.Count;
            header.AddRange([0, 0, 0, 0]); // data CRC32, patched after the data
        }

        AppendVint(header, 0); // compression: version 0, method 0 (store)
        AppendVint(header, 1); // host OS: Unix
        AppendVint(header, (ulong)nameBytes.Length);
        header.AddRange(nameBytes);
        header.AddRange(extra);
        var headerStart = WriteHeader(header.ToArray());
        if (!hasData)
        {
            return;
        }

        var crc = new Crc32();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long done = 0;
            int read;
            while (done < length && (read = content!.Read(buffer, 0, (int)Math.Min(buffer.Length, length - done))) > 0)
            {
                crc.Append(buffer.AsSpan(0, read));
                _output.Write(buffer, 0, read);
                done += read;
            }

            if (done != length)
            {
                throw new InvalidDataException($"'{name}' provided {done} of {length} bytes");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var end = _output.Position;
        var patched = header.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(patched.AsSpan(crcOffset), crc.GetCurrentHashAsUInt32());
        _output.Position = headerStart;
        WriteHeaderAt(patched);
        _output.Position = end;
    }

    private List<byte> BuildExtra((int Type, string Target)? link)
    {
        var extra = new List<byte>();
        if (_winRarFields)
        {
            // High-precision time (type 3): flags 0x2 = modification time as a Windows FILETIME.
            var record = new List<byte>();
            AppendVint(record, 3);
            AppendVint(record, 0x2);
            Span<byte> filetime = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(filetime, FixedTime.UtcDateTime.ToFileTimeUtc());
            record.AddRange(filetime.ToArray());
            AppendRecord(extra, record);

            // Unix owner (type 6): flags 0x1 user name, 0x2 group name.
            record = [];
            AppendVint(record, 6);
            AppendVint(record, 0x3);
            foreach (var owner in new[] { "player", "games" })
            {
                AppendVint(record, (ulong)owner.Length);
                record.AddRange(Encoding.UTF8.GetBytes(owner));
            }

            AppendRecord(extra, record);
        }

        if (link is { } l)
        {
            // Redirection (type 5): redirection type, flags (0x1 = target is a directory), target name.
            var record = new List<byte>();
            var target = Encoding.UTF8.GetBytes(l.Target);
            AppendVint(record, 5);
            AppendVint(record, (ulong)l.Type);
            AppendVint(record, 0);
            AppendVint(record, (ulong)target.Length);
            record.AddRange(target);
            AppendRecord(extra, record);
        }

        return extra;
    }

    private static void AppendRecord(List<byte> extra, List<byte> record)
    {
        AppendVint(extra, (ulong)record.Count); // size counts from the record type on
        extra.AddRange(record);
    }

    private long WriteHeader(byte[] fields)
    {
        var start = _output.Position;
        WriteHeaderAt(fields);
        return start;
    }

    private void WriteHeaderAt(byte[] fields)
    {
        var size = new List<byte>();
        AppendVint(size, (ulong)fields.Length);
        var crcInput = new byte[size.Count + fields.Length];
        size.CopyTo(crcInput);
        fields.CopyTo(crcInput, size.Count);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32.HashToUInt32(crcInput));
        _output.Write(crc);
        _output.Write(crcInput);
    }

    private static void AppendVint(List<byte> target, ulong value)
    {
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            target.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
    }
}
