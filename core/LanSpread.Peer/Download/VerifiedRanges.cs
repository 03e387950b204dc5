using LanSpread.Core.Model;

namespace LanSpread.Peer.Download;

/// <summary>
/// Which chunks of one staged file are verified, and a way to wait for more. The chunk cuts come from
/// the manifest, so a position maps to exactly one chunk; a chunk counts only once its SHA-256 matched
/// (a rejected chunk stays unverified until its re-fetch passes).
/// </summary>
internal sealed class VerifiedRanges
{
    private readonly long[] _offsets;
    private readonly long[] _lengths;
    private readonly bool[] _verified;
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = NewSignal();
    private Exception? _stopped;
    private int _missing;
    private readonly Action<long>? _readerAt;
    private long _lastReaderChunk = -1;

    /// <param name="file">The file's manifest entry (its chunk cuts).</param>
    /// <param name="verifiedOffsets">The chunks already verified.</param>
    /// <param name="readerAt">Told the offset of the chunk a reader moved into (whether verified or awaited).</param>
    public VerifiedRanges(ManifestFile file, IEnumerable<long> verifiedOffsets, Action<long>? readerAt = null)
    {
        _readerAt = readerAt;
        ArgumentNullException.ThrowIfNull(file);
        Length = file.Size;
        _offsets = file.Chunks.Select(c => c.Offset).ToArray();
        _lengths = file.Chunks.Select(c => c.Length).ToArray();
        _verified = new bool[_offsets.Length];
        _missing = _offsets.Length;
        foreach (var offset in verifiedOffsets)
        {
            MarkVerified(offset);
        }
    }

    /// <summary>The file's size.</summary>
    public long Length { get; }

    /// <summary>Whether every chunk is verified.</summary>
    public bool IsComplete
    {
        get
        {
            lock (_gate)
            {
                return _missing == 0;
            }
        }
    }

    /// <summary>Marks the chunk starting at <paramref name="offset"/> verified and wakes the readers.</summary>
    public void MarkVerified(long offset)
    {
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            var index = Array.BinarySearch(_offsets, offset);
            if (index >= 0 && !_verified[index])
            {
                _verified[index] = true;
                _missing--;
                wake = _changed;
                _changed = NewSignal();
            }
        }

        wake?.TrySetResult();
    }

    /// <summary>Ends every wait with <paramref name="reason"/> (the download stopped before this file was whole).</summary>
    public void Stop(Exception reason)
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            _stopped ??= reason;
            wake = _changed;
        }

        wake.TrySetResult();
    }

    /// <summary>
    /// How many bytes from <paramref name="position"/> on are verified in one run (at most
    /// <paramref name="wanted"/>), waiting until at least one is; 0 only at the end of the file.
    /// </summary>
    public async ValueTask<int> WaitAvailableAsync(long position, int wanted, CancellationToken cancellationToken)
    {
        if (_readerAt is not null && position < Length && ChunkOffsetOf(position) is var chunk && chunk != _lastReaderChunk)
        {
            // The reader moved into another chunk: the download is told, so it fetches from here on first.
            _lastReaderChunk = chunk;
            _readerAt(chunk);
        }

        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var available = AvailableLocked(position, wanted);
                if (available > 0 || position >= Length || wanted == 0)
                {
                    return available;
                }

                if (_stopped is not null)
                {
                    throw new IOException($"the download stopped before the archive was whole: {_stopped.Message}", _stopped);
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private long ChunkOffsetOf(long position)
    {
        var index = Array.BinarySearch(_offsets, position);
        return _offsets[index >= 0 ? index : Math.Max(0, ~index - 1)];
    }

    private int AvailableLocked(long position, int wanted)
    {
        if (position < 0 || position >= Length)
        {
            return 0;
        }

        var index = Array.BinarySearch(_offsets, position);
        if (index < 0)
        {
            index = ~index - 1; // the chunk that contains the position
        }

        long run = 0;
        var at = position;
        for (var i = index; i < _offsets.Length && _verified[i] && run < wanted; i++)
        {
            var end = _offsets[i] + _lengths[i];
            run += end - at;
            at = end;
        }

        return (int)Math.Min(run, wanted);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
