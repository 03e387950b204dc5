using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using LanSpread.Core.Model;

namespace LanSpread.Peer.Library;

/// <summary>
/// FastCDC-style content-defined chunking (Xia et al., USENIX ATC 2016) with SHA-256 per chunk, in one
/// sequential read: a 64-bit gear hash <c>fp = (fp &lt;&lt; 1) + Gear[byte]</c> rolls over the bytes after
/// the minimum size, and a cut falls where the top bits of <c>fp</c> are zero — more bits before the
/// average (harder to cut) and fewer after (easier), the "normalised chunking" that narrows the size
/// spread. The same bytes give the same cuts on every peer, so an insert in the middle of an archive
/// changes only the chunks around it. Each block read is fed to the chunk's SHA-256 as it is scanned:
/// no chunk is held whole in memory and no byte is read twice.
/// </summary>
public static class ContentChunker
{
    private const int ReadSize = 1024 * 1024;

    // Fixed pseudo-random table (SplitMix64 from a constant seed): every peer must cut identically.
    private static readonly ulong[] Gear = MakeGear();

    /// <summary>Chunks and hashes a whole file; <paramref name="progress"/> gets the bytes read as they are read.</summary>
    public static List<ManifestChunk> ChunkFile(string path, ContentChunking chunking, Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunking);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        return Chunk(handle, RandomAccess.GetLength(handle), chunking, progress, cancellationToken);
    }

    /// <summary>Chunks <paramref name="length"/> bytes of an open file from offset 0.</summary>
    public static List<ManifestChunk> Chunk(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long length, ContentChunking chunking, Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunking);
        var chunks = new List<ManifestChunk>();
        var maskSmall = TopBits(Log2(chunking.Average) + 2);
        var maskLarge = TopBits(Log2(chunking.Average) - 2);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            long position = 0, chunkStart = 0, chunkLength = 0;
            ulong fp = 0;
            while (position < length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(ReadSize, length - position)), position);
                if (read == 0)
                {
                    throw new IOException($"file shrank while being hashed ({position} of {length} bytes)");
                }

                position += read;
                progress?.Invoke(read);
                var block = buffer.AsSpan(0, read);
                var i = 0;
                while (i < block.Length)
                {
                    if (chunkLength < chunking.Min)
                    {
                        // Below the minimum no cut can fall: hash without rolling (FastCDC's skip).
                        var skip = (int)Math.Min(chunking.Min - chunkLength, block.Length - i);
                        sha.AppendData(block.Slice(i, skip));
                        chunkLength += skip;
                        i += skip;
                        continue;
                    }

                    // Roll to the next cut: the strict mask up to the average, the loose one up to the max.
                    var cut = false;
                    var j = i;
                    if (chunkLength < chunking.Average)
                    {
                        var limit = (int)Math.Min(block.Length, i + (chunking.Average - chunkLength));
                        var at = Roll(block, j, limit, maskSmall, ref fp);
                        cut = at >= 0;
                        chunkLength += (cut ? at : limit) - j;
                        j = cut ? at : limit;
                    }

                    if (!cut && j < block.Length && chunkLength >= chunking.Average)
                    {
                        var limit = (int)Math.Min(block.Length, j + (chunking.Max - chunkLength));
                        var at = Roll(block, j, limit, maskLarge, ref fp);
                        cut = at >= 0 || j + (chunking.Max - chunkLength) <= block.Length;
                        var end = at >= 0 ? at : limit;
                        chunkLength += end - j;
                        j = end;
                    }

                    sha.AppendData(block[i..j]);
                    i = j;
                    if (cut)
                    {
                        chunks.Add(new ManifestChunk(chunkStart, chunkLength, Convert.ToHexStringLower(sha.GetHashAndReset())));
                        chunkStart += chunkLength;
                        chunkLength = 0;
                        fp = 0;
                    }
                }
            }

            if (chunkLength > 0)
            {
                chunks.Add(new ManifestChunk(chunkStart, chunkLength, Convert.ToHexStringLower(sha.GetHashAndReset())));
            }

            return chunks;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Rolls the gear hash over <c>data[start..limit)</c>; returns the index just past the first cut, or -1.</summary>
    private static int Roll(ReadOnlySpan<byte> data, int start, int limit, ulong mask, ref ulong fp)
    {
        ref var bytes = ref MemoryMarshal.GetReference(data);
        ref var gear = ref MemoryMarshal.GetArrayDataReference(Gear);
        var hash = fp;
        for (var i = start; i < limit; i++)
        {
            hash = (hash << 1) + Unsafe.Add(ref gear, Unsafe.Add(ref bytes, i));
            if ((hash & mask) == 0)
            {
                fp = hash;
                return i + 1;
            }
        }

        fp = hash;
        return -1;
    }

    private static int Log2(int value) => System.Numerics.BitOperations.Log2((uint)value);

    private static ulong TopBits(int count) => count <= 0 ? 0 : ulong.MaxValue << (64 - Math.Min(63, count));

    private static ulong[] MakeGear()
    {
        var table = new ulong[256];
        var state = 0x4c616e5370726561UL; // "LanSprea"
        for (var i = 0; i < table.Length; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            table[i] = z ^ (z >> 31);
        }

        return table;
    }
}
