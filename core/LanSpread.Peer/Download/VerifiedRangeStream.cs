using Microsoft.Win32.SafeHandles;

namespace LanSpread.Peer.Download;

/// <summary>
/// A read-only, seekable stream over a staged file that is still downloading: a read returns verified
/// bytes only, waiting for the chunk at its position to pass its SHA-256 check (a rejected chunk is
/// waited for until its re-fetch is verified). When the download stops first, a waiting read throws
/// <see cref="IOException"/>. The handle was opened before the file may be renamed into place, so the
/// commit's rename does not disturb a reader.
/// </summary>
internal sealed class VerifiedRangeStream(SafeFileHandle handle, VerifiedRanges ranges, CancellationToken cancellationToken) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => ranges.Length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    /// <summary>The furthest position read so far (the unpacker's read position, for progress).</summary>
    public long Furthest { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Unpackers read synchronously on their own thread: waiting here blocks only that thread.
        var available = ranges.WaitAvailableAsync(_position, buffer.Length, cancellationToken).AsTask().GetAwaiter().GetResult();
        return ReadVerified(buffer[..available]);
    }

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken token) =>
        await ReadAsync(buffer.AsMemory(offset, count), token).ConfigureAwait(false);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken token = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, token);
        var available = await ranges.WaitAvailableAsync(_position, buffer.Length, linked.Token).ConfigureAwait(false);
        return ReadVerified(buffer.Span[..available]);
    }

    private int ReadVerified(Span<byte> buffer)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer[done..], _position + done);
            if (read <= 0)
            {
                throw new IOException($"the staged file ended at {_position + done} of {ranges.Length} bytes");
            }

            done += read;
        }

        _position += done;
        Furthest = Math.Max(Furthest, _position);
        return done;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => ranges.Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        _position = target;
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("the stream is read-only");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the stream is read-only");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            handle.Dispose();
        }

        base.Dispose(disposing);
    }
}
