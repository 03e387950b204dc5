namespace LanSpread.Transport.Tls.Internal;

/// <summary>
/// Sits between a client's <see cref="System.Net.Security.SslStream"/> and its socket and reads ahead in
/// large blocks. SslStream asks its inner stream for about one TLS record (16 KiB) at a time, so a GiB
/// took 131,000 recv calls, two per record (strace, docs/BENCHMARKS.md P1); from here one recv takes
/// whatever the socket holds, up to the buffer. Writes go straight through (nothing waits in a buffer).
/// Used by one reader at a time, as SslStream does.
/// </summary>
internal sealed class ReadAheadStream : Stream
{
    private readonly Stream _inner;
    private readonly byte[] _buffer;
    private int _start;
    private int _end;

    public ReadAheadStream(Stream inner, int bufferSize)
    {
        _inner = inner;
        _buffer = GC.AllocateUninitializedArray<byte>(bufferSize);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            // A zero-byte read waits until data is there (SslStream uses it to rent its buffer late).
            return _start != _end ? 0 : _inner.Read(buffer);
        }

        if (_start == _end)
        {
            if (buffer.Length >= _buffer.Length)
            {
                return _inner.Read(buffer);
            }

            _start = 0;
            _end = _inner.Read(_buffer);
        }

        return Take(buffer);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return _start != _end ? ValueTask.FromResult(0) : _inner.ReadAsync(buffer, cancellationToken);
        }

        if (_start != _end)
        {
            return ValueTask.FromResult(Take(buffer.Span));
        }

        return buffer.Length >= _buffer.Length ? _inner.ReadAsync(buffer, cancellationToken) : FillAndTakeAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> FillAndTakeAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        _start = 0;
        _end = 0;
        _end = await _inner.ReadAsync(_buffer, cancellationToken);
        return Take(buffer.Span);
    }

    private int Take(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, count).CopyTo(destination);
        _start += count;
        return count;
    }
}
