using Microsoft.Win32.SafeHandles;

namespace LanSpread.Unpack.Rar.Internal;

/// <summary>A read-ahead window over the archive so that headers of small entries cost one read, not two each.</summary>
internal sealed class Rar5HeaderWindow(SafeFileHandle handle, long length)
{
    private byte[] _buffer = new byte[64 * 1024];
    private long _start = -1;
    private int _count;

    public bool TryGet(long position, int count, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (_start < 0 || position < _start || position + count > _start + _count)
        {
            if (count > _buffer.Length)
            {
                _buffer = new byte[count];
            }

            var want = (int)Math.Min(_buffer.Length, length - position);
            _start = position;
            _count = 0;
            while (_count < want)
            {
                var read = RandomAccess.Read(handle, _buffer.AsSpan(_count, want - _count), position + _count);
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
