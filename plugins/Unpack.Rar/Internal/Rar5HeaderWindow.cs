using Microsoft.Win32.SafeHandles;

namespace LanSpread.Unpack.Rar.Internal;

/// <summary>A read-ahead window over the archive so that headers of small entries cost one read, not two each.</summary>
internal sealed class Rar5HeaderWindow
{
    /// <summary>Reads bytes at an offset; returns how many (0 at the end). May return fewer than asked.</summary>
    public delegate int PositionedRead(Span<byte> buffer, long offset);

    private readonly PositionedRead _read;
    private readonly long _length;
    private byte[] _buffer = new byte[64 * 1024];
    private long _start = -1;
    private int _count;

    public Rar5HeaderWindow(SafeFileHandle handle, long length)
        : this((buffer, offset) => RandomAccess.Read(handle, buffer, offset), length)
    {
    }

    public Rar5HeaderWindow(PositionedRead read, long length)
    {
        _read = read;
        _length = length;
    }

    public bool TryGet(long position, int count, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (_start < 0 || position < _start || position + count > _start + _count)
        {
            if (count > _buffer.Length)
            {
                _buffer = new byte[count];
            }

            var want = (int)Math.Min(_buffer.Length, _length - position);
            _start = position;
            _count = 0;
            // Up to the window from a file; from a stream that hands out bytes as they are verified, only
            // as far as asked, so a header never waits for bytes beyond it.
            while (_count < count)
            {
                var read = _read(_buffer.AsSpan(_count, want - _count), position + _count);
                if (read <= 0)
                {
                    break;
                }

                _count += read;
            }

            if (_count < count)
            {
                return false;
            }
        }

        bytes = _buffer.AsSpan((int)(position - _start), count);
        return true;
    }
}
