namespace LanSpread.Bench;

/// <summary>A read-only stream of pseudo-random bytes (fast xorshift), so workloads need no disk source.</summary>
internal sealed class RandomStream(long length, int seed) : Stream
{
    private ulong _state = (ulong)seed * 0x9E3779B97F4A7C15UL + 1;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(count, length - _position) & ~7;
        if (n == 0 && _position < length)
        {
            n = (int)(length - _position);
        }

        for (var i = 0; i < n; i += 8)
        {
            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            var word = _state;
            for (var b = 0; b < 8 && i + b < n; b++)
            {
                buffer[offset + i + b] = (byte)(word >> (8 * b));
            }
        }

        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
