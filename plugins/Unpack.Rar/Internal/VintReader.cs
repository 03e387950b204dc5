using System.Buffers.Binary;

namespace LanSpread.Unpack.Rar.Internal;

/// <summary>A bounds-checked cursor over a RAR5 header: every read fails cleanly past the end.</summary>
internal ref struct VintReader
{
    private readonly ReadOnlySpan<byte> _data;

    public VintReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        Position = 0;
    }

    public int Position { get; private set; }

    public readonly ReadOnlySpan<byte> Remaining => _data[Position..];

    public readonly int Length => _data.Length;

    public readonly ReadOnlySpan<byte> Slice(int start) => _data[start..];

    public bool TryRead(out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (Position >= _data.Length)
            {
                return false;
            }

            var b = _data[Position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    public bool TryReadUInt32(out uint value)
    {
        value = 0;
        if (_data.Length - Position < 4)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt32LittleEndian(_data[Position..]);
        Position += 4;
        return true;
    }

    public bool TrySkip(int count)
    {
        if (count < 0 || _data.Length - Position < count)
        {
            return false;
        }

        Position += count;
        return true;
    }

    public bool TryReadBytes(int count, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (count < 0 || _data.Length - Position < count)
        {
            return false;
        }

        bytes = _data.Slice(Position, count);
        Position += count;
        return true;
    }
}
