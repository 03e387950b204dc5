using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace LanSpread.Cli.Demo;

/// <summary>
/// Writes stored (method 0) RAR5 archives per RARLAB's RAR 5.0 technote: signature, main header, one
/// file header per entry (vint fields, CRC32 of the data, header CRC32), the data, an end-of-archive
/// header. Streams each file (its CRC is patched in after the data), so archives of any size can be
/// made; names are written as given, so tests can make hostile archives too. bsdtar reads its output.
/// </summary>
public sealed class StoredRar5Writer : IDisposable
{
    private static readonly byte[] Signature = [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00];
    private readonly FileStream _output;

    public StoredRar5Writer(string path)
    {
        _output = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        _output.Write(Signature);
        // Main archive header: type 1, no header flags, archive flags 0.
        WriteHeader([1, 0, 0]);
    }

    public void AddDirectory(string name) => AddEntry(name, null, 0, isDirectory: true);

    public void AddFile(string name, Stream content, long length) => AddEntry(name, content, length, isDirectory: false);

    public void AddFile(string name, byte[] content) => AddFile(name, new MemoryStream(content), content.Length);

    public void Dispose()
    {
        // End of archive: type 5, no header flags, end flags 0.
        WriteHeader([5, 0, 0]);
        _output.Dispose();
    }

    private void AddEntry(string name, Stream? content, long length, bool isDirectory)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var header = new List<byte>();
        AppendVint(header, 2); // file header
        // Header flags: data area present. libarchive insists on it for directories too (size 0).
        AppendVint(header, 0x2UL);
        AppendVint(header, (ulong)length); // data size

        AppendVint(header, isDirectory ? 0x1UL : 0x4UL); // file flags: directory | CRC32 present
        AppendVint(header, (ulong)length); // unpacked size
        AppendVint(header, isDirectory ? 0x41EDUL : 0x81A4UL); // unix mode 040755 / 0100644
        var crcOffset = -1;
        if (!isDirectory)
        {
            crcOffset = header.Count;
            header.AddRange([0, 0, 0, 0]); // data CRC32, patched after the data
        }

        AppendVint(header, 0); // compression: version 0, method 0 (store)
        AppendVint(header, 1); // host OS: Unix
        AppendVint(header, (ulong)nameBytes.Length);
        header.AddRange(nameBytes);
        var headerStart = WriteHeader(header.ToArray());
        if (isDirectory)
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
